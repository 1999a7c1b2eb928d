use strict;
use warnings;
use Test::More;
use PDL;
use AI::FusedRNN qw(rnn rnn_param_size pack_params unpack_params dropout_keep);

# A valid call (GRU, I=3, H=2, L=1, T=4, N=2); each row below changes one thing.
my %ok = (
    data => zeros(double, 3, 2, 4), state_size => 2, num_layers => 1, mode => 'gru',
);
my $n = rnn_param_size(input_size => 3, state_size => 2, num_layers => 1, mode => 'gru');
$ok{parameters} = zeros(double, $n);
my %lstm = (%ok, mode => 'lstm',
            parameters => zeros(double, rnn_param_size(input_size => 3, state_size => 2,
                                                       num_layers => 1, mode => 'lstm')));
ok(eval { rnn(%ok); 1 }, 'the base call works') or diag $@;
ok(eval { rnn(%lstm); 1 }, 'the lstm base call works') or diag $@;

my $core_error = qr/fusedrnn status -\d+/;
my @table = (
    # [name, args (overrides), expected message]
    ['data undef',          { data => undef },            qr/data: expected a PDL or an array ref, got undef/],
    ['data missing',        { data => '__delete__' },     qr/data is required/],
    ['data a string',       { data => 'abc' },            qr/data: expected a PDL or an array ref, got 'abc'/],
    ['data a hash',         { data => {} },               qr/data: expected a PDL or an array ref, got a HASH reference/],
    ['data an object',      { data => bless({}, 'Foo') }, qr/data: .*object of class Foo/],
    ['data null PDL',       { data => PDL->null },        qr/data: expected a PDL with data, got a null PDL/],
    ['data integer PDL',    { data => zeros(long, 3, 2, 4) }, qr/data: expected a PDL of type float or double, got type long/],
    ['data complex PDL',    { data => zeros(cdouble, 3, 2, 4) }, qr/data: expected a PDL of type float or double, got type cdouble/],
    ['data 2-D',            { data => zeros(double, 3, 8) }, qr/data: expected a 3-dimensional PDL, got a double PDL with dims \(3,8\)/],
    ['data 4-D',            { data => zeros(double, 3, 2, 4, 1) }, qr/data: expected a 3-dimensional PDL/],
    ['data empty dim',      { data => zeros(double, 3, 0, 4) }, qr/data: expected a PDL with no zero dims/],
    ['data ragged array',   { data => [[[1, 2, 3]], [[1, 2]]] }, qr/data: ragged nested array/],
    ['data non-numeric leaf', { data => [[['a', 2, 3]]] }, qr/data: expected numbers in the nested array, got 'a'/],
    ['data vs dtype',       { dtype => 'float32' },       qr/data: expected a PDL of type float, got type double/],
    ['bad dtype name',      { dtype => 'int8' },          qr/dtype: expected one of 'float32', 'float64'/],
    ['parameters undef',    { parameters => undef },      qr/parameters: expected a PDL or an array ref, got undef/],
    ['parameters wrong type', { parameters => zeros(float, $n) }, qr/parameters: expected a PDL of type double, got type float/],
    ['parameters wrong length', { parameters => zeros(double, $n + 1) }, qr/parameters: expected a PDL with dims \($n\).*got dims \(@{[$n+1]}\)/],
    ['parameters 2-D',      { parameters => zeros(double, $n, 1) }, qr/parameters: expected a PDL with dims \($n\)/],
    ['state wrong dims',    { state => zeros(double, 2, 2, 2) }, qr/state: expected a PDL with dims \(2,2,1\) \(R, N, L\*D\), got dims \(2,2,2\)/],
    ['state wrong type',    { state => zeros(float, 2, 2, 1) }, qr/state: expected a PDL of type double, got type float/],
    ['state a string',      { state => 'zeros' },         qr/state: expected a PDL or an array ref, got 'zeros'/],
    ['state_cell on gru',   { state_cell => zeros(double, 2, 2, 1) }, qr/state_cell: only the lstm mode has a cell state/],
    ['state_size missing',  { state_size => '__delete__' }, qr/state_size is required/],
    ['state_size 0',        { state_size => 0 },          qr/state_size: expected an integer >= 1, got 0/],
    ['state_size negative', { state_size => -3 },         qr/state_size: expected an integer >= 1, got -3/],
    ['state_size fraction', { state_size => 2.5 },        qr/state_size: expected an integer, got '2.5'/],
    ['state_size string',   { state_size => 'two' },      qr/state_size: expected an integer, got 'two'/],
    ['state_size inf',      { state_size => 9**9**9 },    qr/state_size: expected an integer/],
    ['state_size ref',      { state_size => [2] },        qr/state_size: expected an integer, got an ARRAY reference/],
    ['state_size huge',     { state_size => 1e30 },       qr/state_size: expected an integer <= 2\*\*63-1/],
    ['state_size too large for BLAS', { state_size => 2**40 }, $core_error],
    ['num_layers 0',        { num_layers => 0 },          qr/num_layers: expected an integer >= 1, got 0/],
    ['num_layers string',   { num_layers => '1x' },       qr/num_layers: expected an integer, got '1x'/],
    ['mode unknown',        { mode => 'LSTM' },           qr/mode: expected one of 'gru', 'lstm', 'rnn_relu', 'rnn_tanh', got 'LSTM'/],
    ['mode undef',          { mode => undef },            qr/mode is required/],
    ['layout unknown',      { layout => 'NCT' },          qr/layout: expected one of 'NTC', 'TNC', got 'NCT'/],
    ['bidirectional string', { bidirectional => 'yes' },  qr/bidirectional: expected a boolean \(0 or 1\), got 'yes'/],
    ['bidirectional 2',     { bidirectional => 2 },       qr/bidirectional: expected a boolean/],
    ['training string',     { training => 'true' },       qr/training: expected a boolean/],
    ['p string',            { p => 'half' },              qr/p: expected a number, got 'half'/],
    ['p = 1',               { p => 1 },                   qr/p: expected a dropout probability in \[0, 1\), got 1/],
    ['p negative',          { p => -0.1 },                qr/p: expected a dropout probability in \[0, 1\), got -0.1/],
    ['p NaN (core)',        { p => 'nan' },               qr/p: expected a dropout probability/],
    ['projection on gru',   { projection_size => 1 },     qr/projection_size: only the lstm mode has a projection/],
    ['projection 0',        { projection_size => 0 },     qr/projection_size: expected an integer >= 1, got 0/],
    ['clip on gru',         { lstm_state_clip_min => -1, lstm_state_clip_max => 1 }, qr/lstm_state_clip_min\/max: only the lstm mode clips its state, got mode 'gru'/],
    ['clip only min',       { lstm_state_clip_min => -1 }, qr/lstm_state_clip_min and lstm_state_clip_max must be given together/],
    ['clip string',         { mode => 'lstm', parameters => $lstm{parameters}, lstm_state_clip_min => 'a', lstm_state_clip_max => 1 }, qr/lstm_state_clip_min: expected a number, got 'a'/],
    ['clip min > max',      { mode => 'lstm', parameters => $lstm{parameters}, lstm_state_clip_min => 1, lstm_state_clip_max => -1 }, qr/lstm_state_clip_min \(1\) must not exceed lstm_state_clip_max \(-1\)/],
    ['projection >= H',     { mode => 'lstm', parameters => $lstm{parameters}, projection_size => 2 }, qr/projection_size: expected an integer below state_size \(2\), got 2/],
    ['seed negative',       { seed => -1 },               qr/seed: expected an integer in \[0, 2\*\*64-1\], got '-1'/],
    ['seed too big',        { seed => '18446744073709551616' }, qr/seed: expected an integer in \[0, 2\*\*64-1\]/],
    ['seed fraction',       { seed => 1.5 },              qr/seed: expected an integer/],
    ['max_threads negative', { max_threads => -1 },       qr/max_threads: expected an integer >= 0, got -1/],
    ['max_threads huge',    { max_threads => 1025 },      qr/max_threads: expected an integer <= 1024, got 1025/],
    ['unknown option',      { hidden_size => 2 },         qr/unknown argument 'hidden_size'/],
    ['typo option',         { bidirectonal => 1 },        qr/unknown argument 'bidirectonal'/],
    ['lengths without flag', { sequence_length => long(4, 4) }, qr/sequence_length given but use_sequence_length is not set/],
    ['flag without lengths', { use_sequence_length => 1 }, qr/sequence_length is required when use_sequence_length is set/],
    ['lengths wrong dims',  { use_sequence_length => 1, sequence_length => long(4, 4, 4) }, qr/sequence_length: expected a PDL with dims \(2\) \(N\), got dims \(3\)/],
    ['lengths fractional',  { use_sequence_length => 1, sequence_length => double(1.5, 2) }, qr/sequence_length: expected whole numbers, got the value 1.5/],
    ['lengths a string',    { use_sequence_length => 1, sequence_length => '4,4' }, qr/sequence_length: expected an integer PDL or an array ref, got '4,4'/],
    ['lengths > T',         { use_sequence_length => 1, sequence_length => long(5, 1) }, qr/sequence_length: expected values in \[0, 4\] \(the sequence length T\), got 5 at index 0/],
    ['lengths < 0',         { use_sequence_length => 1, sequence_length => long(1, -1) }, qr/sequence_length: expected values in \[0, 4\].*got -1 at index 1/],
    ['lengths non-numeric array', { use_sequence_length => 1, sequence_length => ['x', 1] }, qr/sequence_length: expected numbers in the nested array, got 'x'/],
);

for my $row (@table) {
    my ($name, $over, $re) = @$row;
    my %a = %ok;
    for my $k (keys %$over) {
        if (defined $over->{$k} && !ref $over->{$k} && $over->{$k} eq '__delete__') { delete $a{$k} }
        else { $a{$k} = $over->{$k} }
    }
    my $r = eval { rnn(%a); 1 };
    ok(!$r, "$name: refused");
    like("$@", $re, "$name: message");
}

# odd argument list and a non-string name
ok(!eval { rnn(%ok, 'state_outputs'); 1 }, 'odd argument count refused');
like($@, qr/odd number of arguments/, 'odd argument count message');

# core errors are AI::FusedRNN::Error objects with the status
eval { rnn(%ok, state_size => 2**40) };
my $err = $@;
isa_ok($err, 'AI::FusedRNN::Error');
like($err->status, qr/^-2[12]$/, 'error status (overflow or too large for the BLAS)');
like($err->message, qr/^AI::FusedRNN::rnn: /, 'message names the function');
like("$err", qr/ at \S+ line \d+/, 'message has the caller location');
like($err->message, qr/\Q@{[AI::FusedRNN::status_message($err->status)]}\E/, 'message is the core sentence');

# ---- other functions ---------------------------------------------------------------
my @other = (
    ['rnn_param_size unknown name', sub { rnn_param_size(input_size => 3, state_size => 2, num_layers => 1, mode => 'gru', layers => 2) }, qr/unknown argument 'layers'/],
    ['rnn_param_size no input_size', sub { rnn_param_size(state_size => 2, num_layers => 1, mode => 'gru') }, qr/input_size is required/],
    ['rnn_param_size input_size 0', sub { rnn_param_size(input_size => 0, state_size => 2, num_layers => 1, mode => 'gru') }, qr/input_size: expected an integer >= 1, got 0/],
    ['rnn_param_size overflow', sub { rnn_param_size(input_size => 2**40, state_size => 2**40, num_layers => 2**40, mode => 'lstm') }, qr/fusedrnn status -2[12]/],
    ['unpack_params wrong length', sub { unpack_params(zeros(double, 5), input_size => 3, state_size => 2, num_layers => 1, mode => 'gru') }, qr/parameters: expected a PDL with dims \($n\)/],
    ['unpack_params not a PDL', sub { unpack_params('x', input_size => 3, state_size => 2, num_layers => 1, mode => 'gru') }, qr/parameters: expected a PDL or an array ref, got 'x'/],
    ['pack_params not a hash', sub { pack_params([], input_size => 3, state_size => 2, num_layers => 1, mode => 'gru') }, qr/expected a hash ref of parameters, got an ARRAY reference/],
    ['pack_params missing piece', sub { pack_params({}, input_size => 3, state_size => 2, num_layers => 1, mode => 'gru') }, qr/missing parameter 'l0_i2h_weight'/],
    ['pack_params extra piece', sub { pack_params({ r0_i2h_weight => zeros(3, 6) }, input_size => 3, state_size => 2, num_layers => 1, mode => 'gru') }, qr/unknown parameter 'r0_i2h_weight'/],
    ['dropout_keep negative layer', sub { dropout_keep(seed => 1, layer => -1, index => 0, p => 0.5) }, qr/layer: expected an integer >= 0/],
    ['dropout_keep bad p (core)', sub { dropout_keep(seed => 1, layer => 0, index => 0, p => 2) }, $core_error],
    ['Desc unknown key', sub { AI::FusedRNN::Desc->new(hidden_size => 2, input_size => 2, foo => 1) }, qr/unknown argument 'foo'/],
    ['Desc bad hidden (core)', sub { AI::FusedRNN::Desc->new(hidden_size => 0, input_size => 2) }, qr/fusedrnn status -4/],
    ['Desc cuda (core)', sub { AI::FusedRNN::Desc->new(hidden_size => 2, input_size => 2, backend => 'cuda') }, qr/fusedrnn status -13/],
    ['method on a non-object', sub { AI::FusedRNN::Desc::param_count('AI::FusedRNN::Desc') }, qr/param_count: expected an AI::FusedRNN::Desc object, got a plain scalar/],
    ['method on a foreign object', sub { AI::FusedRNN::Desc::param_count(bless {}, 'Bar') }, qr/expected an AI::FusedRNN::Desc object, got another reference/],
    ['method on a forged object', sub { AI::FusedRNN::Desc::param_count(bless \(my $z = 0), 'AI::FusedRNN::Desc') }, qr/has been destroyed/],
    ['raw size with a string', sub { AI::FusedRNN::Desc->new(hidden_size => 2, input_size => 2)->output_shape('a', 1) }, qr/seq_len: expected an integer/],
    ['raw T < 1 (core)', sub { AI::FusedRNN::Desc->new(hidden_size => 2, input_size => 2)->output_shape(0, 1) }, qr/fusedrnn status -15/],
    ['status_message string', sub { AI::FusedRNN::status_message('x') }, qr/expected an integer/],
);
for my $row (@other) {
    my ($name, $code, $re) = @$row;
    ok(!eval { $code->(); 1 }, "$name: refused");
    like("$@", $re, "$name: message");
}

# ---- forward_raw checks every buffer length itself ------------------------------------
{
    my $d = AI::FusedRNN::Desc->new(mode => 'gru', hidden_size => 2, input_size => 3, dtype => 'float64');
    my $pc = $d->param_count;
    my ($T, $N) = (4, 2);
    my $x = "\0" x (8 * $T * $N * 3);
    my $w = "\0" x (8 * $pc);
    my $y = "\0" x (8 * $T * $N * 2);
    my $h = "\0" x (8 * $N * 2);
    ok(eval { $d->forward_raw($T, $N, $x, $w, undef, undef, undef, $y, undef, undef, 0, 0, 0); 1 }, 'raw forward works') or diag $@;
    my @bad = (
        ['short x',  [$T, $N, substr($x, 1), $w, undef, undef, undef, $y, undef, undef, 0, 0, 0], qr/x: expected \d+ bytes/],
        ['short y',  [$T, $N, $x, $w, undef, undef, undef, substr($y, 8), undef, undef, 0, 0, 0], qr/y: expected \d+ bytes/],
        ['x undef',  [$T, $N, undef, $w, undef, undef, undef, $y, undef, undef, 0, 0, 0], qr/x: a buffer is required/],
        ['x a ref',  [$T, $N, \$x, $w, undef, undef, undef, $y, undef, undef, 0, 0, 0], qr/x: expected a byte string, got a reference/],
        ['cx on gru', [$T, $N, $x, $w, undef, "\0" x 32, undef, $y, undef, undef, 0, 0, 0], qr/fusedrnn status -20/],
        ['lengths unexpected', [$T, $N, $x, $w, undef, undef, "\0" x 16, $y, undef, undef, 0, 0, 0], qr/fusedrnn status -19/],
        ['training 2', [$T, $N, $x, $w, undef, undef, undef, $y, undef, undef, 2, 0, 0], qr/fusedrnn status -14/],
        ['batch 0', [$T, 0, $x, $w, undef, undef, undef, $y, undef, undef, 0, 0, 0], qr/fusedrnn status -16/],
    );
    for my $b (@bad) {
        my ($name, $args, $re) = @$b;
        ok(!eval { $d->forward_raw(@$args); 1 }, "raw $name: refused");
        like("$@", $re, "raw $name: message");
    }
    # (array elements are copies, so aliasing is tested with a direct call)
    ok(!eval { $d->forward_raw($T, $N, $x, $w, $h, undef, undef, $y, $h, undef, 0, 0, 0); 1 },
       'raw hy aliasing hx refused');
    like($@, qr/fusedrnn status -27/, 'overlap reported by the core');
    my $ro = "\0" x length($y);
    Internals::SvREADONLY($ro, 1);
    ok(!eval { $d->forward_raw($T, $N, $x, $w, undef, undef, undef, $ro, undef, undef, 0, 0, 0); 1 },
       'raw forward into a read-only buffer refused');
    like($@, qr/read-only/, 'read-only message');
}

done_testing;
