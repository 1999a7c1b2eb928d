# Training mode and seeds, exactly as Python's fusedrnn.gluon.mode: the k-th
# draw inside train_mode(seed => S) is derive_seed(S, k); a per-call seed goes
# to the op unchanged; dropout masks come from the core's keep stream.
use strict;
use warnings;
use Test::More;
use PDL;
use AI::FusedRNN qw(rnn derive_seed dropout_mask dropout_keep);
use AI::FusedRNN::Gluon qw(train_mode predict_mode is_training);
use AI::FusedRNN::Gluon::RNN;

my $R = 'AI::FusedRNN::Gluon::RNN';

# ---- the core's functions ---------------------------------------------------------------------
is(derive_seed(5, 0), '5309041056108285822', 'derive_seed(5, 0) (the value Python gives)');
is(derive_seed('18446744073709551615', 3), '12123374223667607938', 'derive_seed at 2**64-1');
is(AI::FusedRNN::Gluon->derive_seed(5, 0), derive_seed(5, 0), 'also AI::FusedRNN::Gluon->derive_seed');
ok(!eval { derive_seed(-1, 0); 1 }, 'negative seed refused');
ok(!eval { derive_seed(1); 1 }, 'index required');
ok(!eval { derive_seed(1, 0.5); 1 }, 'fractional index refused');
{
    my $m = dropout_mask(seed => 9, stream => 2, shape => [3, 4], p => 0.3);
    is_deeply([$m->dims], [4, 3], 'mask dims: the C shape reversed');
    is($m->type . '', 'byte', 'a byte PDL');
    is_deeply([$m->list], [map { dropout_keep(seed => 9, layer => 2, index => $_, p => 0.3) } 0 .. 11],
              'mask = dropout_keep element by element');
    my $o = dropout_mask(seed => 9, stream => 2, count => 5, offset => 7, p => 0.3);
    is_deeply([$o->list], [($m->list)[7 .. 11]], 'count and offset');
    ok(!eval { dropout_mask(seed => 9, count => 3, p => 1); 1 }, 'p = 1 refused');
    ok(!eval { dropout_mask(seed => 9, count => 3, shape => [3], p => 0.5); 1 }, 'shape and count together refused');
    ok(!eval { dropout_mask(seed => 9, stream => 2**32, count => 3, p => 0.5); 1 }, 'stream above 2**32-1 refused');
    ok(!eval { AI::FusedRNN::_dropout_mask(1, 0, 0, -1, 0.5); 1 }, 'raw XS: negative count refused');
    ok(!eval { AI::FusedRNN::_dropout_mask(1, 0, 0, 3, 'x'); 1 }, 'raw XS: non-numeric p refused');
}

# ---- mode switching -----------------------------------------------------------------------------
is(is_training(), 0, 'inference by default');
is(train_mode(sub { is_training() }), 1, 'train_mode with a code ref');
is(AI::FusedRNN::Gluon->train_mode(seed => 3, sub { is_training() }), 1, 'class-method form');
is(train_mode(seed => 3, sub { predict_mode(sub { is_training() }) }), 0, 'predict_mode nested inside');
is_deeply([train_mode(sub { (1, 2, 3) })], [1, 2, 3], 'list context passes through');
ok(!eval { train_mode(sub { die "boom\n" }); 1 } && $@ eq "boom\n", 'exceptions pass through');
is(is_training(), 0, 'and the mode is restored');
{
    my $g = train_mode(seed => 4);
    is(is_training(), 1, 'guard form');
    undef $g;
    is(is_training(), 0, 'restored when the guard goes');
}
ok(!eval { train_mode(seed => 4); 1 } && $@ =~ /guard/, 'guard in void context refused');
ok(!eval { train_mode(seed => -4, sub { }); 1 }, 'bad seed refused');
ok(!eval { train_mode(seeds => 4, sub { }); 1 } && $@ =~ /unknown argument 'seeds'/, 'unknown option refused');

# ---- layers: the k-th call gets derive_seed(S, k) -----------------------------------------------
{
    my $l = $R->LSTM(5, 3, dropout => 0.5, dtype => 'float64');
    $l->initialize;
    my $x = grandom(double, 4, 2, 6);
    my @o = map { $l->($x) } 1 .. 2;
    is(${ $o[0]->get_dataref }, ${ $o[1]->get_dataref }, 'inference: no dropout, deterministic');
    my ($a, $b) = train_mode(seed => 5, sub { ($l->($x), $l->($x)) });
    my $with = sub { $l->($x, undef, training => 1, seed => $_[0]) };
    is(${ $a->get_dataref }, ${ $with->(derive_seed(5, 0))->get_dataref }, 'first call: derive_seed(5, 0)');
    is(${ $b->get_dataref }, ${ $with->(derive_seed(5, 1))->get_dataref }, 'second call: derive_seed(5, 1)');
    isnt(${ $a->get_dataref }, ${ $b->get_dataref }, 'a fresh mask per call');
    my $c = train_mode(seed => 5, sub { $l->($x) });
    is(${ $c->get_dataref }, ${ $a->get_dataref }, 'a new train_mode block starts again at 0');
    my $d = train_mode(seed => 5, sub { $l->($x, undef, seed => 77) });
    is(${ $d->get_dataref }, ${ $with->(77)->get_dataref }, 'a per-call seed is used unchanged');
    my $e = train_mode(seed => 5, sub { $l->($x, undef, training => 0) });
    is(${ $e->get_dataref }, ${ $o[0]->get_dataref }, 'training => 0 inside train_mode');
    my $w = pdl(double, [map { $l->param($_)->data->list } $l->_param_order]);
    my $op = rnn(data => $x, parameters => $w, state_size => 5, num_layers => 3, mode => 'lstm', p => 0.5,
                 training => 1, seed => derive_seed(5, 0));
    is(${ $op->get_dataref }, ${ $a->get_dataref }, 'the layer passes the derived seed to the op');
}

# ---- cells: one seed per masked step, k-th mask = stream k ----------------------------------------
{
    my $dc = $R->DropoutCell(0.5);
    my $x = grandom(double, 6, 3);
    my ($y) = $dc->($x);
    is(${ $y->get_dataref }, ${ $x->get_dataref }, 'DropoutCell: identity in inference');
    my ($t) = train_mode(seed => 12, sub { $dc->($x) });
    my $keep = dropout_mask(seed => derive_seed(12, 0), stream => 0, shape => [3, 6], p => 0.5);
    my $want = $x * pdl(double, 2);
    $want->where($keep == 0) .= 0;
    is(${ $t->get_dataref }, ${ $want->get_dataref }, 'DropoutCell step: mask stream 0 under derive_seed(12, 0), scale 1/(1-p)');
    my ($t2) = $dc->($x, undef, training => 1, seed => 12);
    is(${ $t2->get_dataref }, ${ $t->get_dataref }, 'a per-call seed on a cell opens train_mode(seed) for the call');
    my ($u) = train_mode(seed => 12, sub { $dc->unroll(4, grandom(double, 6, 3, 4), layout => 'TNC', merge_outputs => 1) });
    ok(defined $u, 'whole-tensor unroll draws one seed');
}

done_testing;
