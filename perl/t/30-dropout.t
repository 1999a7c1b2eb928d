use strict;
use warnings;
use Test::More;
use PDL;
use AI::FusedRNN qw(rnn rnn_param_size pack_params unpack_params dropout_keep);

sub bits { my ($p) = @_; return ${ $p->get_dataref } }

my ($I, $H, $L, $T, $N) = (4, 6, 3, 5, 3);
my %o = (state_size => $H, num_layers => $L, mode => 'lstm', bidirectional => 1);
srand(11);
my $x = grandom(double, $I, $N, $T);
my $w = (random(double, rnn_param_size(input_size => $I, %o)) - 0.5) * 0.6;

my $base = rnn(data => $x, parameters => $w, %o);
my $a1 = rnn(data => $x, parameters => $w, %o, p => 0.5, training => 1, seed => 42);
my $a2 = rnn(data => $x, parameters => $w, %o, p => 0.5, training => 1, seed => 42);
my $b1 = rnn(data => $x, parameters => $w, %o, p => 0.5, training => 1, seed => 43);
is(bits($a1), bits($a2), 'same seed, same output (bitwise)');
isnt(bits($a1), bits($b1), 'different seed, different output');
isnt(bits($a1), bits($base), 'training with p > 0 changes the output');
my $inf = rnn(data => $x, parameters => $w, %o, p => 0.5, training => 0, seed => 42);
is(bits($inf), bits($base), 'inference: p is a no-op');
my $p0 = rnn(data => $x, parameters => $w, %o, p => 0, training => 1, seed => 42);
is(bits($p0), bits($base), 'training with p = 0 equals inference');
my $one = rnn(data => $x, parameters => $w, %o, num_layers => 1,
              parameters => $w->slice('0:' . (rnn_param_size(input_size => $I, %o, num_layers => 1) - 1))->copy,
              p => 0.5, training => 1, seed => 5);
my $one0 = rnn(data => $x, parameters => $w->slice('0:' . (rnn_param_size(input_size => $I, %o, num_layers => 1) - 1))->copy,
               %o, num_layers => 1);
is(bits($one), bits($one0), 'one layer: no dropout at all');

# the seed may be any 64-bit value, also as a decimal string
my $big1 = rnn(data => $x, parameters => $w, %o, p => 0.3, training => 1, seed => '18446744073709551615');
my $big2 = rnn(data => $x, parameters => $w, %o, p => 0.3, training => 1, seed => 18446744073709551615);
is(bits($big1), bits($big2), 'seed 2**64-1 as string and number');
# returned states are taken before dropout, and are deterministic as well
my @s1 = rnn(data => $x, parameters => $w, %o, p => 0.5, training => 1, seed => 9, state_outputs => 1);
my @s2 = rnn(data => $x, parameters => $w, %o, p => 0.5, training => 1, seed => 9, state_outputs => 1);
is(bits($s1[$_]), bits($s2[$_]), "state_outputs [$_] deterministic") for 0 .. 2;

# dropout_keep: the rate is about 1 - p and the stream is a pure function
my $kept = 0;
my $M = 4000;
$kept += dropout_keep(seed => 1, layer => 0, index => $_, p => 0.25) for 0 .. $M - 1;
ok(abs($kept / $M - 0.75) < 0.03, "keep rate " . $kept / $M . " ~ 0.75");
is(dropout_keep(seed => 1, layer => 0, index => 17, p => 0.25),
   dropout_keep(seed => 1, layer => 0, index => 17, p => 0.25), 'dropout_keep is deterministic');
is(dropout_keep(seed => 1, layer => 0, index => 17, p => 0), 1, 'p = 0 keeps everything');

# The forward pass uses exactly that mask. Two rnn_relu layers, H = I = 1,
# layer 1 weights i2h 1, h2h 0, biases 0: y = relu(dropout(relu(x))) = x*s or 0.
{
    my %r = (state_size => 1, num_layers => 2, mode => 'rnn_relu');
    my $u = unpack_params(zeros(double, rnn_param_size(input_size => 1, %r)),
                          input_size => 1, %r);
    $u->{$_} .= 1 for qw(l0_i2h_weight l1_i2h_weight);
    my $wp = pack_params($u, input_size => 1, %r);
    my ($TT, $NN, $p, $seed) = (7, 5, 0.4, 1234);
    my $xx = sequence(double, 1, $NN, $TT) + 1;
    my $y = rnn(data => $xx, parameters => $wp, %r, p => $p, training => 1, seed => $seed);
    my $s = 1 / (1 - $p);
    my $ok = 1;
    for my $t (0 .. $TT - 1) {
        for my $n (0 .. $NN - 1) {
            my $keep = dropout_keep(seed => $seed, layer => 0, index => $t * $NN + $n, p => $p);
            my $want = $keep ? $xx->at(0, $n, $t) * $s : 0;
            $ok &&= $y->at(0, $n, $t) == $want;
        }
    }
    ok($ok, 'forward dropout mask = dropout_keep, kept values scaled by 1/(1-p)');
    my $yf = rnn(data => $xx->float, parameters => $wp->float, %r, p => $p, training => 1, seed => $seed);
    ok(all(($yf == 0) == ($y == 0)), 'float32 uses the same mask');
}

done_testing;
