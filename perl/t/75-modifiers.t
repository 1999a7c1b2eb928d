# Modifier cells (ZoneoutCell, ResidualCell) and DropoutCell details.
use strict;
use warnings;
use Test::More;
use PDL;
use AI::FusedRNN qw(derive_seed dropout_mask);
use AI::FusedRNN::Gluon qw(train_mode);
use AI::FusedRNN::Gluon::RNN;

my $R = 'AI::FusedRNN::Gluon::RNN';
sub b { ${ $_[0]->copy->get_dataref } }

{
    my $base = $R->LSTMCell(4, input_size => 3);
    my $z = $R->ZoneoutCell($base, zoneout_outputs => 0.5, zoneout_states => 0.3);
    is($z->prefix, $base->prefix . 'zoneout', 'modifier prefix: base prefix + alias');
    is("$z", 'ZoneoutCell(p_out=0.5, p_state=0.3, LSTMCell(3 -> 16))', 'repr');
    $z->initialize;
    ok(!eval { $base->(zeros(float, 3, 2)); 1 } && $@ =~ /wrapped by a modifier cell/, 'the base cell cannot be called');
    ok(!eval { $base->begin_state(2); 1 }, 'nor asked for begin states');
    ok(!eval { $R->ResidualCell($base); 1 } && $@ =~ /already modified/, 'a cell is modified once');
    is($z->collect_params->count, 4, "the modifier holds the base cell's parameters");
    my $x = grandom(float, 3, 2);
    my $st = $z->begin_state(2);
    my ($o, $s) = $z->($x, $st);
    # outside training: exactly the base cell (computed on a fresh cell sharing the parameters)
    my $twin = $R->LSTMCell(4, input_size => 3, params => $base->params, prefix => $base->prefix);
    my ($bo, $bs) = $twin->($x, $st);
    is(b($o), b($bo), 'zoneout outside training = base cell');
    # training: output mask stream 0, then one stream per state, under one seed per step
    $z->reset;
    my ($to, $ts) = train_mode(seed => 21, sub { $z->($x, $st) });
    my $seed = derive_seed(21, 0);
    my $k0 = dropout_mask(seed => $seed, stream => 0, shape => [2, 4], p => 0.5);
    my $want = $bo->copy;
    $want->where($k0 == 0) .= 0;    # the previous output starts as zeros
    is(b($to), b($want), 'zoneout output: keep new with the stream-0 mask, else the previous output');
    for my $j (0, 1) {
        my $k = dropout_mask(seed => $seed, stream => 1 + $j, shape => [2, 4], p => 0.3);
        my $w = $bs->[$j]->copy;
        $w->where($k == 0) .= $st->[$j]->where($k == 0);
        is(b($ts->[$j]), b($w), "zoneout state $j: stream " . (1 + $j));
    }
    ok(!eval { $R->ZoneoutCell($R->BidirectionalCell($R->GRUCell(2), $R->GRUCell(2))); 1 } && $@ =~ /cannot be stepped/,
       'zoneout of a bidirectional cell refused');
    ok(!eval { $R->ZoneoutCell($R->GRUCell(2), zoneout_outputs => 1); 1 }, 'probability 1 refused');
    my $seqz = $R->ZoneoutCell($R->SequentialRNNCell->add($R->GRUCell(2)), zoneout_states => 0.2);
    $seqz->initialize;
    ok(eval { train_mode(seed => 1, sub { $seqz->unroll(3, grandom(float, 2, 3, 2)) }); 1 },
       'zoneout of a SequentialRNNCell works (MXNet 1.9.1 raised there)') or diag $@;
}

{
    my $r = $R->ResidualCell($R->GRUCell(3, input_size => 3));
    is("$r", 'ResidualCell(GRUCell(3 -> 9))', 'residual repr');
    $r->initialize;
    $r->cast('float64');
    my $x = grandom(double, 3, 5, 2);    # NTC
    my ($y, $s) = $r->unroll(5, $x, layout => 'NTC', merge_outputs => 1);
    my ($by) = $r->base_cell->_unroll(5, $x, undef, 'NTC', 1, undef);
    is(b($y), b($by + $x), 'residual = base output + input');
    my ($v) = $r->unroll(5, $x, layout => 'NTC', valid_length => [2, 5]);
    ok(all($v->slice(':,2:4,(0)') == 0), 'padded outputs stay 0 (inputs masked first)');
    my ($lst) = $r->unroll(5, $x, layout => 'NTC', merge_outputs => 0);
    is(b($lst->[1]), b($y->slice(':,(1),:')), 'list outputs = merged');
    my $bad = $R->ResidualCell($R->GRUCell(4));
    $bad->initialize;
    ok(!eval { $bad->(zeros(float, 3, 2)); 1 } && $@ =~ /must match/, 'residual size mismatch refused');
}

{
    my $d = $R->DropoutCell(0.5, axes => [0]);
    is("$d", 'DropoutCell(rate=0.5, axes=(0,))', 'dropout repr');
    my $x = grandom(double, 6, 4);    # (N=4, C=6): axis 0 (N) shares one mask value per feature
    my ($y) = train_mode(seed => 2, sub { $d->($x) });
    my $keep = dropout_mask(seed => derive_seed(2, 0), stream => 0, shape => [1, 6], p => 0.5);
    for my $c (0 .. 5) {
        my $col = $y->slice("($c),:");
        if ($keep->at($c, 0)) { is(b($col), b($x->slice("($c),:") * 2), "feature $c kept for every row") }
        else { ok(all($col == 0), "feature $c dropped for every row") }
    }
    ok(!eval { $R->DropoutCell(1); 1 }, 'rate 1 refused');
    ok(!eval { $R->DropoutCell(0.5, axes => ['x']); 1 }, 'bad axes refused');
    my $d3 = $R->DropoutCell(0.5, axes => [5]);
    ok(!eval { train_mode(sub { $d3->($x) }); 1 } && $@ =~ /do not fit/, 'axes out of range refused');
    my (undef, $st) = $d->($x, [pdl(1)]);
    is(scalar @$st, 1, 'states pass through unchanged');
}

done_testing;
