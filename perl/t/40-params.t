use strict;
use warnings;
use Test::More;
use PDL;
use AI::FusedRNN qw(rnn_param_size pack_params unpack_params param_names);

my %b = (input_size => 4, state_size => 6, num_layers => 2, bidirectional => 1);
is(rnn_param_size(%b, mode => 'lstm'), 1536, 'lstm I=4 H=6 L=2 D=2');
is(rnn_param_size(%b, mode => 'lstm', projection_size => 3), 1032, 'lstm with P=3');
is(rnn_param_size(%b, mode => 'gru'), 1152, 'gru');
is(rnn_param_size(%b, mode => 'rnn_tanh'), 384, 'rnn_tanh');
is(rnn_param_size(%b, mode => 'rnn_relu'), 384, 'rnn_relu');
is(rnn_param_size(%b, mode => 'lstm', bidirectional => 0), 4 * 6 * (4 + 6 + 2) + 4 * 6 * (6 + 6 + 2),
   'unidirectional lstm formula');

# the size formula of the reference, for a few configurations
for my $mode (qw(rnn_relu rnn_tanh lstm gru)) {
    my $G = { rnn_relu => 1, rnn_tanh => 1, lstm => 4, gru => 3 }->{$mode};
    for my $cfg ([3, 5, 1, 1], [7, 2, 3, 2], [1, 1, 4, 1]) {
        my ($I, $H, $L, $D) = @$cfg;
        my $R = $H;
        my $want = $D * $G * $H * ($I + $R + 2) + ($L - 1) * $D * $G * $H * ($R * $D + $R + 2);
        is(rnn_param_size(input_size => $I, state_size => $H, num_layers => $L, mode => $mode,
                          bidirectional => $D - 1), $want, "$mode I=$I H=$H L=$L D=$D");
    }
}

# names and order: all weights, then all biases
my @names = param_names(%b, mode => 'lstm', projection_size => 3);
is_deeply(\@names, [qw(
    l0_i2h_weight l0_h2h_weight l0_h2r_weight r0_i2h_weight r0_h2h_weight r0_h2r_weight
    l1_i2h_weight l1_h2h_weight l1_h2r_weight r1_i2h_weight r1_h2h_weight r1_h2r_weight
    l0_i2h_bias l0_h2h_bias r0_i2h_bias r0_h2h_bias
    l1_i2h_bias l1_h2h_bias r1_i2h_bias r1_h2h_bias)], 'names in storage order');

# dims: PDL dims are the C shapes reversed
for my $case (['lstm', undef], ['lstm', 3], ['gru', undef], ['rnn_tanh', undef]) {
    my ($mode, $P) = @$case;
    my %o = (%b, mode => $mode, (defined $P ? (projection_size => $P) : ()));
    my $n = rnn_param_size(%o);
    my $flat = sequence(double, $n);
    my $u = unpack_params($flat, %o);
    my $G = { rnn_tanh => 1, lstm => 4, gru => 3 }->{$mode};
    my $R = $P || 6;
    my $tag = "$mode" . (defined $P ? " P=$P" : '');
    is_deeply([$u->{l0_i2h_weight}->dims], [4, $G * 6], "$tag: l0_i2h_weight dims (I, G*H)");
    is_deeply([$u->{r1_i2h_weight}->dims], [2 * $R, $G * 6], "$tag: r1_i2h_weight dims (D*R, G*H)");
    is_deeply([$u->{l1_h2h_weight}->dims], [$R, $G * 6], "$tag: h2h_weight dims (R, G*H)");
    is_deeply([$u->{r1_h2h_bias}->dims], [$G * 6], "$tag: bias dims (G*H)");
    is_deeply([$u->{l0_h2r_weight}->dims], [6, $P], "$tag: h2r_weight dims (H, P)") if $P;
    ok(!exists $u->{l0_h2r_bias}, "$tag: h2r has no bias");
    # the first piece starts at 0, row-major: element [row g, col i] = g*I + i
    is($u->{l0_i2h_weight}->at(1, 2), 2 * 4 + 1, "$tag: row-major (G*H, in) storage");
    # every element exactly once
    my $all = pdl(double, [map { $u->{$_}->flat->list } param_names(%o)]);
    ok(all($all == $flat), "$tag: pieces in order cover the vector");
    my $back = pack_params($u, %o);
    is(${ $back->get_dataref }, ${ $flat->get_dataref }, "$tag: pack(unpack(w)) == w bitwise");
    # unpack gives copies
    $u->{l0_i2h_weight} .= -1;
    is($flat->at(0), 0, "$tag: unpack returns copies");
    # float round trip keeps the type
    my $ff = $flat->float;
    my $bf = pack_params(unpack_params($ff, %o), %o);
    is($bf->type, float, "$tag: float round trip keeps float");
    is(${ $bf->get_dataref }, ${ $ff->get_dataref }, "$tag: float round trip bitwise");
}

# pack from nested array refs (double unless dtype)
{
    my %o = (input_size => 1, state_size => 1, num_layers => 1, mode => 'rnn_tanh');
    my $h = { l0_i2h_weight => [[0.5]], l0_h2h_weight => [[0.25]], l0_i2h_bias => [1], l0_h2h_bias => [2] };
    my $p = pack_params($h, %o);
    is($p->type, double, 'array refs pack to double');
    is_deeply([$p->list], [0.5, 0.25, 1, 2], 'array refs packed in order');
    is(pack_params($h, %o, dtype => 'float32')->type, float, 'dtype option');
    ok(!eval { pack_params({ %$h, l0_i2h_weight => [[1, 2]] }, %o); 1 }, 'wrong piece dims refused');
    like($@, qr/l0_i2h_weight: expected a PDL with dims \(1,1\)/, 'wrong piece dims message');
    my $f = { map { $_ => float($h->{$_}) } keys %$h };
    is(pack_params($f, %o)->type, float, 'all float pieces pack to float');
    is(pack_params({ %$f, l0_h2h_bias => double([2]) }, %o)->type, double, 'a double piece makes it double');
    is(pack_params({ %$f, l0_h2h_bias => long([2]) }, %o)->type, double, 'integer pieces are converted');
    ok(!eval { pack_params({ %$f, l0_h2h_bias => 'x' }, %o); 1 }, 'a string piece refused');
}

done_testing;
