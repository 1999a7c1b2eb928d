# The C cell step and the cells built on it: RNNCell, LSTMCell, GRUCell,
# SequentialRNNCell, BidirectionalCell, unroll (layouts, merge_outputs,
# valid_length), unfuse, constructors and errors.
use strict;
use warnings;
use Test::More;
use PDL;
use AI::FusedRNN qw(cell_step);
use AI::FusedRNN::Gluon qw(gluon);
use AI::FusedRNN::Gluon::RNN;

my $R = 'AI::FusedRNN::Gluon::RNN';
sub sig { 1 / (1 + exp(-$_[0])) }
sub close_to { my ($a, $b, $tol) = @_; return max(abs($a - $b)) <= ($tol // 1e-12) }

# ---- cell_step against formulas computed here -------------------------------------------------
{
    my ($I, $H, $N) = (3, 4, 2);
    my $x = grandom(double, $I, $N);
    my $h = grandom(double, $H, $N);
    my $c = grandom(double, $H, $N);
    for my $case (['rnn', 1], ['lstm', 4], ['gru', 3]) {
        my ($kind, $G) = @$case;
        my $wi = grandom(double, $I, $G * $H) * 0.5;
        my $wh = grandom(double, $H, $G * $H) * 0.5;
        my $bi = grandom(double, $G * $H) * 0.1;
        my $bh = grandom(double, $G * $H) * 0.1;
        # gates (G*H, N) in PDL: $w dims (in, GH); gx[n][g] = sum_i x[n][i] w[g][i]
        my $GX = zeros(double, $G * $H, $N);
        my $GH = zeros(double, $G * $H, $N);
        for my $n (0 .. $N - 1) {
            for my $g (0 .. $G * $H - 1) {
                $GX->set($g, $n, sum($x->slice(":,($n)") * $wi->slice(":,($g)")) + $bi->at($g));
                $GH->set($g, $n, sum($h->slice(":,($n)") * $wh->slice(":,($g)")) + $bh->at($g));
            }
        }
        my @r = cell_step(cell => $kind, x => $x, h => $h, ($kind eq 'lstm' ? (c => $c) : ()),
                          i2h_weight => $wi, h2h_weight => $wh, i2h_bias => $bi, h2h_bias => $bh);
        my $blk = sub { my ($m, $k) = @_; $m->slice(($k * $H) . ':' . (($k + 1) * $H - 1)) };
        if ($kind eq 'rnn') {
            ok(close_to($r[0], tanh($GX + $GH)), 'rnn cell step = tanh(gx + gh)');
        } elsif ($kind eq 'lstm') {
            my $S = $GX + $GH;
            my ($i, $f, $g, $o) = (1 / (1 + exp(-$blk->($S, 0))), 1 / (1 + exp(-$blk->($S, 1))), tanh($blk->($S, 2)),
                                   1 / (1 + exp(-$blk->($S, 3))));
            my $c2 = $f * $c + $i * $g;
            ok(close_to($r[1], $c2), 'lstm cell step: c');
            ok(close_to($r[0], $o * tanh($c2)), 'lstm cell step: h');
        } else {
            my $rr = 1 / (1 + exp(-($blk->($GX, 0) + $blk->($GH, 0))));
            my $z = 1 / (1 + exp(-($blk->($GX, 1) + $blk->($GH, 1))));
            my $nn = tanh($blk->($GX, 2) + $rr * $blk->($GH, 2));
            ok(close_to($r[0], (1 - $z) * $nn + $z * $h), 'gru cell step (reset after the matmul)');
        }
    }
    my %ok = (cell => 'rnn', x => $x, i2h_weight => zeros(double, $I, $H), h2h_weight => zeros(double, $H, $H),
              i2h_bias => zeros(double, $H), h2h_bias => zeros(double, $H));
    for my $bad ([x => zeros(float, $I, $N)], [x => zeros(double, $N)], [i2h_weight => zeros(double, $I + 1, $H)],
                 [h => zeros(double, $H, $N + 1)], [c => zeros(double, $H, $N)], [cell => 'lstmx'],
                 [activation => 'gelu'], [i2h_bias => undef], [foo => 1]) {
        my $ok = eval { cell_step(%ok, @$bad); 1 };
        my $err = $@;
        ok(!$ok, "cell_step refuses bad $bad->[0]");
        like($err, qr/^AI::FusedRNN::cell_step: /, 'message names the function');
    }
    my ($z) = cell_step(%ok, activation => 'relu');
    ok(all($z == 0), 'relu of zero is zero');
    ok(!eval { AI::FusedRNN::_cell_step(0, 1, 0, 2, 2, 3, 4, 'x' x 5, undef, undef, ('' ) x 4); 1 }, 'raw XS checks byte lengths');
    like($@, qr/cell_step: x: expected 48 bytes, got 5/, 'raw XS message');
    ok(!eval { AI::FusedRNN::_cell_step(7, 1, 0, 2, 2, 3, 4, ('') x 7); 1 } && ref $@ && $@->status == -3, 'core status for a bad cell type');
}

# ---- constructors ----------------------------------------------------------------------------------
{
    my $a = "$R\::LSTMCell"->new(hidden_size => 100);
    is("$a", 'LSTMCell(None -> 400)', 'LSTMCell by name');
    like($a->prefix, qr/^lstm\d+_$/, 'counter prefix');
    my $b = gluon->rnn->LSTMCell(100, prefix => 'x_');
    is($b->prefix, 'x_', 'AI::MXNet-style shortcut with prefix');
    my $c = AI::FusedRNN::Gluon::RNN::GRUCell->new(5, input_size => 3);
    is("$c", 'GRUCell(3 -> 15)', 'bareword class ->new works');
    is(AI::FusedRNN::Gluon::RNN->RNNCell(4, 'relu') . '', 'RNNCell(None -> 4, relu)', 'positional activation');
    ok(!eval { $R->LSTMCell(4, foo => 1); 1 } && $@ =~ /unknown (argument|initializer)/, 'unknown option refused');
    ok(!eval { $R->RNNCell(4, activation => 'gelu'); 1 }, 'bad activation refused');
    ok(!eval { $R->LSTMCell(0); 1 }, 'hidden_size 0 refused');
    ok(!eval { $R->LSTMCell(4, input_size => -1); 1 }, 'negative input_size refused');
    is_deeply($R->LSTMCell(3)->state_info(2), [{ shape => [2, 3], __layout__ => 'NC' }, { shape => [2, 3], __layout__ => 'NC' }],
              'state_info');
}

# ---- stepping and unrolling ------------------------------------------------------------------------
{
    my $cell = $R->LSTMCell(4, input_size => 3);
    $cell->initialize;
    $cell->cast('float64');
    my $x = grandom(double, 3, 5, 2);    # NTC: N=2, T=5, C=3
    my ($y, $s) = $cell->unroll(5, $x, layout => 'NTC', merge_outputs => 1);
    is_deeply([$y->dims], [4, 5, 2], 'merged NTC output dims');
    # the same by hand, one step at a time
    my $st = $cell->begin_state(2, dtype => 'float64');
    my @outs;
    for my $t (0 .. 4) {
        my ($o, $n) = $cell->($x->slice(":,($t),:"), $st);
        push @outs, $o;
        $st = $n;
    }
    is(${ $y->slice(":,(3),:")->copy->get_dataref }, ${ $outs[3]->get_dataref }, 'unroll = steps, bitwise');
    is(${ $s->[1]->get_dataref }, ${ $st->[1]->get_dataref }, 'final c = stepped c');
    my ($l) = $cell->unroll(5, $x, layout => 'NTC');
    is(ref $l, 'ARRAY', 'merge_outputs undef: a list');
    is(scalar @$l, 5, 'one output per step');
    my ($tn) = $cell->unroll(5, $x->mv(1, 2)->copy, layout => 'TNC', merge_outputs => 1);
    is(${ $tn->mv(2, 1)->copy->get_dataref }, ${ $y->get_dataref }, 'TNC = NTC transposed');
    my ($fromlist) = $cell->unroll(5, [map { $x->slice(":,($_),:")->copy } 0 .. 4],
                                   layout => 'NTC', merge_outputs => 1);
    is(${ $fromlist->get_dataref }, ${ $y->get_dataref }, 'a list of step inputs');

    my ($v, $vs) = $cell->unroll(5, $x, layout => 'NTC', valid_length => [2, 0]);
    ok(!ref($v) || ref($v) ne 'ARRAY', 'valid_length with merge undef: one PDL');
    ok(all($v->slice(':,2:4,(0)') == 0) && all($v->slice(':,:,(1)') == 0), 'outputs past the length are 0');
    is(${ $v->slice(':,0:1,(0)')->copy->get_dataref }, ${ $y->slice(':,0:1,(0)')->copy->get_dataref }, 'valid outputs unchanged');
    is(${ $vs->[0]->slice(':,(0)')->copy->get_dataref }, ${ $outs[1]->slice(':,(0)')->copy->get_dataref }, 'state after the last valid step');
    ok(all($vs->[0]->slice(':,(1)') == 0), 'length 0: the begin state');
    ok(!eval { $cell->unroll(5, $x, valid_length => [6, 1]); 1 } && $@ =~ /valid_length must lie in \[0, length=5\]/, 'valid_length > length');
    ok(!eval { $cell->unroll(4, $x); 1 } && $@ =~ /unroll\(length=4\) got inputs with 5 time steps/, 'length mismatch');
    ok(!eval { $cell->unroll(5, $x, foo => 1); 1 } && $@ =~ /unknown argument 'foo'/, 'unknown unroll option');
    ok(!eval { $cell->($x->slice(":,(0),:"), [zeros(double, 4, 3), zeros(double, 4, 3)]); 1 }, 'wrong state shape');
    like($@, qr/^Invalid recurrent state shape\. Expecting \(2, 4\), got \(3, 4\)\./, 'MXNet message');
    ok(!eval { $cell->($x->slice(":,(0),:")->float); 1 } && $@ =~ /the input has type float but the parameters/, 'dtype mismatch');
}

# ---- containers, bidirectional, and the fused layers they stand for --------------------------------
for my $mode (['LSTM'], ['GRU'], ['RNN', activation => 'tanh'], ['RNN']) {
    my ($class, @extra) = @$mode;
    my $layer = $R->$class(5, 2, @extra, bidirectional => 1, dtype => 'float64');
    $layer->initialize;
    my $x = grandom(double, 3, 4, 6);    # TNC: T=6, N=4
    my ($y, $s) = $layer->($x, $layer->begin_state(4));
    my $u = $layer->unfuse;
    is($u->collect_params->count, $layer->collect_params->count, "$class @extra: unfused stack shares every parameter");
    my ($uy, $us) = $u->unroll(6, $x, layout => 'TNC', merge_outputs => 1);
    ok(close_to($uy, $y), "$class @extra: unfused unroll = fused layer");
    my $lens = [6, 3, 0, 1];
    my $lv = $R->$class(5, 2, @extra, bidirectional => 1, dtype => 'float64', use_sequence_length => 1,
                        params => $layer->params, prefix => $layer->prefix);
    my ($vy) = $lv->($x, $layer->begin_state(4), pdl($lens));
    my ($uvy) = $u->unroll(6, $x, layout => 'TNC', valid_length => $lens);
    ok(close_to($uvy, $vy), "$class @extra: unfused with valid_length = fused with sequence_length");
}
{
    my $seq = $R->SequentialRNNCell;
    $seq->name_scope(sub { $seq->add($R->LSTMCell(3), $R->GRUCell(2)) });
    like($seq->get(0)->prefix, qr/^sequentialrnncell\d+_lstm0_$/, 'children named inside name_scope');
    $seq->initialize;
    is(scalar @{ $seq->state_info(2) }, 3, 'states concatenated');
    my ($o, $st) = $seq->(grandom(float, 4, 2), undef);
    is(scalar @$st, 3, 'one step returns every state');
    is_deeply([$o->dims], [2, 2], 'output of the last cell');
    my $bi = $R->BidirectionalCell($R->LSTMCell(3), $R->LSTMCell(3));
    ok(!eval { $bi->(zeros(float, 4, 2)); 1 } && $@ =~ /cannot be stepped/, 'bidirectional cell cannot be stepped');
    my $s2 = $R->SequentialRNNCell;
    $s2->add($bi);
    ok(!eval { $s2->(zeros(float, 4, 2)); 1 } && $@ =~ /holds a BidirectionalCell/, 'nor a stack holding one');
    my $proj = $R->LSTM(6, projection_size => 3);
    ok(!eval { $proj->unfuse; 1 } && $@ =~ /projection/, 'unfuse refuses a projection');
}

done_testing;
