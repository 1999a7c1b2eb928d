use strict;
use warnings;
use Test::More;
use PDL;
use AI::FusedRNN qw(rnn pack_params);
use AI::FusedRNN::Gluon::RNN::RNN;
use AI::FusedRNN::Gluon::RNN::LSTM;
use AI::FusedRNN::Gluon::RNN::GRU;

my $LSTM = 'AI::FusedRNN::Gluon::RNN::LSTM';
my $GRU = 'AI::FusedRNN::Gluon::RNN::GRU';
my $RNN = 'AI::FusedRNN::Gluon::RNN::RNN';

# MXNet's test_lstm_cpu_inference: initialize(One) sets the weights, the biases
# keep their 'zeros' initializer.
{
    my $l = $LSTM->new(2, 6, bidirectional => 1);
    is("$l", 'LSTM(None -> 2, TNC, num_layers=6, bidirectional)', 'repr before the first call');
    $l->initialize(init => 'ones');
    my $y = $l->(ones(float, 2, 2, 2));
    my @a = (0.72045636, 0.72045636, 0.95215213, 0.95215213);
    my @b = (0.95215213, 0.95215213, 0.72045636, 0.72045636);
    my $gold = pdl(float, [[[@a], [@a]], [[@b], [@b]]]);
    ok(max(abs($y - $gold)) < 1e-6, 'golden output') or diag $y;
    is("$l", 'LSTM(2 -> 2, TNC, num_layers=6, bidirectional)', 'repr after inferring the input size');
}

is("" . $LSTM->new(6, 2, 'TNC', 0.2, 1), 'LSTM(None -> 6, TNC, num_layers=2, dropout=0.2, bidirectional)',
   'positional arguments in the Python order');
is("" . $LSTM->new(6, input_size => 4), 'LSTM(4 -> 6, TNC)', 'input_size by name');

# the layer = the op over its packed parameters
for my $case ([$RNN, 'rnn_relu', []], [$RNN, 'rnn_tanh', [activation => 'tanh']], [$GRU, 'gru', []],
              [$LSTM, 'lstm', []], [$LSTM, 'lstm', [projection_size => 3]]) {
    my ($class, $mode, $extra) = @$case;
    my $l = $class->new(6, 2, @$extra, bidirectional => 1, dtype => 'float64');
    $l->initialize;
    my $x = grandom(double, 4, 3, 5);
    my ($y, $st) = $l->($x, $l->begin_state(3));
    my $p = $l->collect_params->data_hash;
    my $pre = $l->prefix;
    my %pieces = map { (my $k = $_) =~ s/^\Q$pre\E//; ($k => $p->{$_}) } keys %$p;
    my %o = (state_size => 6, num_layers => 2, mode => $mode, bidirectional => 1,
             (@$extra && $extra->[0] eq 'projection_size' ? @$extra : ()));
    my $w = pack_params(\%pieces, input_size => 4, %o);
    my @r = rnn(data => $x, parameters => $w, %o, state_outputs => 1);
    is(${ $y->get_dataref }, ${ $r[0]->get_dataref }, "$mode @$extra: layer output = op output");
    is(scalar(@$st), $mode eq 'lstm' ? 2 : 1, "$mode: number of states");
    is(${ $st->[0]->get_dataref }, ${ $r[1]->get_dataref }, "$mode: new h state = op hy");
    my $info = $l->state_info(3);
    is_deeply($info->[0]{shape}, [4, 3, (@$extra && $extra->[0] eq 'projection_size') ? 3 : 6], "$mode: state_info shape (C order)");
    is($info->[0]{__layout__}, 'LNC', "$mode: state_info layout");
}

# NTC layout, single-PDL state, errors
{
    my $g = $GRU->new(5, layout => 'NTC', dtype => 'float64');
    $g->initialize;
    my $x = grandom(double, 3, 4, 2);    # C shape (N=2, T=4, I=3)
    my ($y, $s) = $g->($x, zeros(double, 5, 2, 1));
    is_deeply([$y->dims], [5, 4, 2], 'NTC output dims');
    ok(!eval { $g->($x, zeros(double, 5, 2, 2)); 1 }, 'wrong state shape refused');
    like($@, qr/^Invalid recurrent state shape\. Expecting \(1, 2, 5\), got \(2, 2, 5\)\./, 'MXNet message');
    ok(!eval { $g->(grandom(double, 4, 4, 2)); 1 }, 'wrong input size refused');
    ok(!eval { $g->($x->float); 1 }, 'dtype mismatch refused');
    like($@, qr/input has type float but the parameters are double/, 'dtype message');
}
ok(!eval { $GRU->new(6, layout => 'NCT'); 1 }, 'bad layout refused');
like($@, qr/^Invalid layout NCT; must be one of \['TNC' or 'NTC'\]/, 'layout message');
ok(!eval { $LSTM->new(6, foo => 1); 1 }, 'unknown option refused');
ok(!eval { $LSTM->new(6, projection_size => 6); 1 }, 'projection >= hidden refused');
ok(!eval { $RNN->new(6, activation => 'sigmoid'); 1 }, 'bad activation refused');
ok(!eval { $LSTM->new(6, state_clip_min => -1); 1 }, 'one clip bound refused');
ok(eval { $LSTM->new(6, lstm_state_clip_min => -1, lstm_state_clip_max => 1); 1 }, 'AI::MXNet clip spelling accepted');
ok(!eval { my $u = $LSTM->new(6); $u->(zeros(float, 2, 2, 2)); 1 }, 'use before initialize refused');

# dropout: training only, seeded
{
    my $l = $LSTM->new(4, 3, dropout => 0.5, dtype => 'float64');
    $l->initialize;
    my $x = grandom(double, 2, 3, 4);
    my $a = $l->($x);
    my $b = $l->($x, undef, training => 1, seed => 3);
    my $c = $l->($x, undef, training => 1, seed => 3);
    isnt(${ $a->get_dataref }, ${ $b->get_dataref }, 'training applies dropout');
    is(${ $b->get_dataref }, ${ $c->get_dataref }, 'same seed, same output');
}

# A flag must be 0/1: a stray name read as a positional value fails loudly.
{
    eval { AI::FusedRNN::Gluon::RNN::LSTM->new(4, 2, 'TNC', 0, 0, 3, 'ones', 'zeros', 'zeros', 'zeros',
                                               undef, undef, undef, undef, foo => 'float64') };
    like($@, qr/state_clip_nan must be a boolean \(0 or 1\), got 'foo'/, 'a non-boolean flag is refused');
    eval { AI::FusedRNN::Gluon::RNN::GRU->new(4, bidirectional => 'yes') };
    like($@, qr/bidirectional must be a boolean/, 'bidirectional must be 0 or 1');
    my $ok = eval { AI::FusedRNN::Gluon::RNN::GRU->new(4, bidirectional => 1, use_sequence_length => 0) };
    ok($ok, 'flags 0 and 1 are accepted') or diag $@;
}

done_testing;
