use strict;
use warnings;
use Test::More;
use PDL;
use AI::FusedRNN qw(rnn rnn_param_size pack_params unpack_params);

# all-close helper (same dims, max abs difference)
sub close_ok {
    my ($got, $want, $tol, $name) = @_;
    my @g = $got->dims;
    my @w = $want->dims;
    if ("@g" ne "@w") { fail($name); diag("dims (@g) vs (@w)"); return }
    my $d = max(abs($got - $want));
    ok($d <= $tol, $name) or diag("max abs diff $d\n$got\n$want");
}

sub same_bits {
    my ($a, $b, $name) = @_;
    ok("@{[$a->dims]}" eq "@{[$b->dims]}" && ${ $a->get_dataref } eq ${ $b->get_dataref }, $name);
}

# weights set to $wv, biases to $bv, via unpack/pack
sub const_params {
    my ($wv, $bv, $type, %o) = @_;
    my $n = rnn_param_size(%o);
    my $u = unpack_params(zeros($type, $n), %o);
    for my $k (keys %$u) { $u->{$k} .= ($k =~ /weight$/ ? $wv : $bv) }
    return pack_params($u, %o);
}

# ---- the MXNet golden case (test_lstm_cpu_inference): LSTM H=2, 6 layers,
# bidirectional, weights 1 and biases 0 (mx.init.One leaves the biases at
# their 'zeros' initializer), input ones of C shape (2, 2, 2), zero states.
my %g = (input_size => 2, state_size => 2, num_layers => 6, mode => 'lstm', bidirectional => 1);
my $gold = pdl(double, [[[0.72045636, 0.72045636, 0.95215213, 0.95215213],
                          [0.72045636, 0.72045636, 0.95215213, 0.95215213]],
                         [[0.95215213, 0.95215213, 0.72045636, 0.72045636],
                          [0.95215213, 0.95215213, 0.72045636, 0.72045636]]]);
for my $type (double, float) {
    my $w = const_params(1, 0, $type, %g);
    my %o = %g;
    delete $o{input_size};
    my $y = rnn(data => ones($type, 2, 2, 2), parameters => $w, %o);
    is($y->type, $type, "golden ($type): output type");
    is_deeply([$y->dims], [4, 2, 2], "golden ($type): PDL dims (D*H, N, T)");
    close_ok($y, $gold, $type eq 'float' ? 1e-6 : 1e-7, "golden ($type): MXNet values");
    # the same with zero states given explicitly
    my $y2 = rnn(data => ones($type, 2, 2, 2), parameters => $w, %o,
                 state => zeros($type, 2, 2, 12), state_cell => zeros($type, 2, 2, 12));
    same_bits($y, $y2, "golden ($type): explicit zero states = undef states");
}
# weights and biases all 1 (value from an independent NumPy evaluation)
{
    my $w = const_params(1, 1, double, %g);
    my $y = rnn(data => ones(double, 2, 2, 2), parameters => $w, state_size => 2,
                num_layers => 6, mode => 'lstm', bidirectional => 1);
    close_ok($y->slice(':,0,0'), pdl(double, [0.75646607, 0.75646607, 0.96265968, 0.96265968])->dummy(1)->dummy(2),
             1e-7, 'all-ones parameters: t=0');
}

# ---- every mode: shapes in PDL order ---------------------------------------
my ($I, $H, $L, $T, $N) = (4, 6, 2, 5, 3);
srand(7);
my $x = grandom(double, $I, $N, $T) * 0.5;
for my $mode (qw(rnn_relu rnn_tanh lstm gru)) {
    for my $bi (0, 1) {
        my $D = $bi ? 2 : 1;
        my %o = (state_size => $H, num_layers => $L, mode => $mode, bidirectional => $bi);
        my $n = rnn_param_size(input_size => $I, %o);
        my $w = (random(double, $n) - 0.5) * 0.4;
        my $y = rnn(data => $x, parameters => $w, %o);
        is_deeply([$y->dims], [$D * $H, $N, $T], "$mode bi=$bi: output dims");
        ok(all(isfinite($y)), "$mode bi=$bi: finite output");
        my @r = rnn(data => $x, parameters => $w, %o, state_outputs => 1);
        is(scalar(@r), $mode eq 'lstm' ? 3 : 2, "$mode bi=$bi: state_outputs list length");
        same_bits($r[0], $y, "$mode bi=$bi: same output with state_outputs");
        is_deeply([$r[1]->dims], [$H, $N, $L * $D], "$mode bi=$bi: hy dims (R, N, L*D)");
        is_deeply([$r[2]->dims], [$H, $N, $L * $D], "$mode bi=$bi: cy dims (H, N, L*D)") if $mode eq 'lstm';
        # last layer's forward-direction final h = output at t = T-1, columns [0, H)
        close_ok($r[1]->slice(':,:,(' . (($L - 1) * $D) . ')'), $y->slice("0:" . ($H - 1) . ",:,(-1)"),
                 0, "$mode bi=$bi: hy of the last layer = last output step");
        if ($bi) {    # reverse direction ends at t = 0
            close_ok($r[1]->slice(':,:,(' . (($L - 1) * $D + 1) . ')'),
                     $y->slice("$H:" . (2 * $H - 1) . ",:,(0)"), 0,
                     "$mode bi=$bi: reverse hy = output at t=0");
        }
        # initial states change the result
        my $h0 = grandom(double, $H, $N, $L * $D) * 0.3;
        my @c0 = $mode eq 'lstm' ? (state_cell => grandom(double, $H, $N, $L * $D) * 0.3) : ();
        my $ys = rnn(data => $x, parameters => $w, %o, state => $h0, @c0);
        ok(any(abs($ys - $y) > 1e-9), "$mode bi=$bi: initial state is used");
        # scalar context with state_outputs gives the output
        my $sc = rnn(data => $x, parameters => $w, %o, state_outputs => 1);
        same_bits($sc, $y, "$mode bi=$bi: scalar context returns the output");
        # float32 run is close to the float64 one
        my $yf = rnn(data => $x->float, parameters => $w->float, %o);
        is($yf->type, float, "$mode bi=$bi: float in, float out");
        close_ok($yf->double, $y, 1e-5, "$mode bi=$bi: float32 close to float64");
    }
}

# ---- projection ---------------------------------------------------------------
{
    my %o = (state_size => $H, num_layers => $L, mode => 'lstm', bidirectional => 1, projection_size => 3);
    my $n = rnn_param_size(input_size => $I, %o);
    my $w = (random(double, $n) - 0.5) * 0.4;
    my ($y, $hy, $cy) = rnn(data => $x, parameters => $w, %o, state_outputs => 1);
    is_deeply([$y->dims], [6, $N, $T], 'projection: output dims (D*P, N, T)');
    is_deeply([$hy->dims], [3, $N, 4], 'projection: hy dims (P, N, L*D)');
    is_deeply([$cy->dims], [$H, $N, 4], 'projection: cy dims (H, N, L*D)');
}

# ---- clipping ------------------------------------------------------------------
{
    my %o = (state_size => $H, num_layers => 1, mode => 'lstm');
    my $w = const_params(1, 1, double, input_size => $I, %o);
    my (undef, undef, $cy) = rnn(data => ones(double, $I, $N, $T), parameters => $w, %o,
                                 state_outputs => 1, lstm_state_clip_min => -0.5,
                                 lstm_state_clip_max => 0.5);
    ok(all(abs($cy) <= 0.5), 'clipping bounds the cell state');
    ok(any(abs($cy) == 0.5), 'clipping reached the bound');
}

# ---- layouts ---------------------------------------------------------------------
for my $mode (qw(lstm gru)) {
    my %o = (state_size => $H, num_layers => $L, mode => $mode, bidirectional => 1);
    my $w = (random(double, rnn_param_size(input_size => $I, %o)) - 0.5) * 0.4;
    my @tnc = rnn(data => $x, parameters => $w, %o, state_outputs => 1);
    my $xn = $x->reorder(0, 2, 1)->copy;    # dims (I, T, N): C shape (N, T, I)
    my @ntc = rnn(data => $xn, parameters => $w, %o, layout => 'NTC', state_outputs => 1);
    is_deeply([$ntc[0]->dims], [2 * $H, $T, $N], "$mode NTC: output dims (D*H, T, N)");
    same_bits($ntc[0]->reorder(0, 2, 1)->copy, $tnc[0], "$mode NTC output = TNC output transposed");
    same_bits($ntc[1], $tnc[1], "$mode NTC: states keep (R, N, L*D)");
    # a non-physical slice as input gives the same result
    my $ys = rnn(data => $x->reorder(0, 2, 1), parameters => $w, %o, layout => 'NTC');
    same_bits($ys, $ntc[0], "$mode NTC: slice input");
}

# ---- sequence lengths ------------------------------------------------------------
for my $mode (qw(lstm gru rnn_tanh)) {
    my %o = (state_size => $H, num_layers => $L, mode => $mode, bidirectional => 1);
    my $w = (random(double, rnn_param_size(input_size => $I, %o)) - 0.5) * 0.4;
    my @full = rnn(data => $x, parameters => $w, %o, state_outputs => 1);
    my @all = rnn(data => $x, parameters => $w, %o, state_outputs => 1,
                  use_sequence_length => 1, sequence_length => long([($T) x $N]));
    same_bits($all[0], $full[0], "$mode: lengths all T = no lengths");
    my @len = (2, $T, 0);
    for my $lt (long(\@len), indx(\@len), longlong(\@len), double(\@len), [@len]) {
        my @r = rnn(data => $x, parameters => $w, %o, state_outputs => 1,
                    use_sequence_length => 1, sequence_length => $lt);
        my $y = $r[0];
        ok(all($y->slice(':,(0),2:-1') == 0), "$mode: outputs past length 2 are 0 (" . ref($lt) . ')');
        ok(all($y->slice(':,(2),:') == 0), "$mode: length 0 gives zero outputs");
        # sequence 0 equals running its valid prefix alone
        my @p = rnn(data => $x->slice(':,0:0,0:1')->copy, parameters => $w, %o, state_outputs => 1);
        same_bits($y->slice(':,0:0,0:1')->copy, $p[0], "$mode: length 2 = truncated run");
        same_bits($r[1]->slice(':,0:0,:')->copy, $p[1], "$mode: final states of the truncated run");
        same_bits($y->slice(':,1:1,:')->copy, $full[0]->slice(':,1:1,:')->copy, "$mode: full-length sequence unchanged");
        ok(all($r[1]->slice(':,(2),:') == 0), "$mode: length 0 keeps the (zero) initial state");
    }
}

# ---- nested array refs ---------------------------------------------------------------
{
    my %o = (state_size => 2, num_layers => 1, mode => 'gru');
    my $n = rnn_param_size(input_size => 3, %o);
    my $w = sequence(double, $n) / $n - 0.5;
    my $xa = [[[0.1, 0.2, 0.3]], [[0.4, 0.5, 0.6]]];    # C shape (T=2, N=1, I=3)
    my $y1 = rnn(data => $xa, parameters => [$w->list], %o);
    my $y2 = rnn(data => pdl(double, $xa), parameters => $w, %o);
    same_bits($y1, $y2, 'array refs are converted to double');
    my $y3 = rnn(data => $xa, parameters => [$w->list], %o, dtype => 'float32');
    is($y3->type, float, "dtype => 'float32' converts array refs to float");
}

# ---- the descriptor object ------------------------------------------------------------
{
    my $d = AI::FusedRNN::Desc->new(mode => 'gru', hidden_size => 6, input_size => 4,
                                    num_layers => 2, bidirectional => 1, dtype => 'float64');
    isa_ok($d, 'AI::FusedRNN::Desc');
    is($d->param_count, 1152, 'Desc param_count');
    is_deeply($d->output_shape(5, 3), [5, 3, 12], 'Desc output_shape (C order)');
    is_deeply($d->state_shape(3), [4, 3, 6], 'Desc state_shape');
    ok($d->workspace_size(5, 3, 0) >= 0, 'Desc workspace_size');
    ok($d->reserve_size(5, 3) > 0, 'Desc reserve_size');
    my $c = $d->config;
    is($c->{hidden_size}, 6, 'Desc config');
    is($c->{dtype}, 1, 'Desc config dtype');
    undef $d;
    pass('Desc destroyed');
}

done_testing;
