package AI::FusedRNN::Gluon::RNN::Cell;

# The recurrent cells of AI::FusedRNN::Gluon::RNN, one package each (all in
# this file): RecurrentCell, HybridRecurrentCell, RNNCell, LSTMCell, GRUCell,
# SequentialRNNCell, HybridSequentialRNNCell, BidirectionalCell, DropoutCell,
# ModifierCell, ZoneoutCell, ResidualCell. Semantics: Python's
# fusedrnn.gluon.rnn_cell / rnn_modifier (docs/python.md).

use strict;
use warnings;
use Carp qw(croak);
use Scalar::Util qw(blessed looks_like_number refaddr);
use PDL::Lite ();
use PDL::Core ();
use PDL::Primitive ();
use AI::FusedRNN ();
use AI::FusedRNN::Gluon ();
use AI::FusedRNN::Gluon::Block ();

our $VERSION = '0.01';

# `use AI::FusedRNN::Gluon::RNN::LSTMCell;` and friends load this file.
for my $c (qw(RecurrentCell HybridRecurrentCell RNNCell LSTMCell GRUCell SequentialRNNCell
              HybridSequentialRNNCell BidirectionalCell DropoutCell ModifierCell ZoneoutCell ResidualCell)) {
    $INC{"AI/FusedRNN/Gluon/RNN/$c.pm"} ||= __FILE__;
}

# ---- helpers (package-private) -------------------------------------------------------------

sub _d { AI::FusedRNN::_describe(@_) }
sub _is_pdl { AI::FusedRNN::_is_pdl(@_) }

# Positional arguments in the order of @$spec, then key => value pairs
# (positional values end at the first known name leaving an even tail).
sub _parse {
    my ($class, $spec, $aliases, @args) = @_;
    my @order = map { $_->[0] } @$spec;
    my %known = map { $_ => 1 } @order, keys %$aliases;
    my $i = 0;
    while ($i < @args) {
        last if (@args - $i) % 2 == 0 && defined $args[$i] && !ref $args[$i] && $known{ $args[$i] };
        $i++;
    }
    my $short = $class =~ s/.*:://r;
    croak "$short: too many positional arguments (" . $i . ', at most ' . scalar(@order) . ')' if $i > @order;
    my %a = map { $_->[0] => $_->[1] } @$spec;
    my %given;
    for (0 .. $i - 1) { $a{ $order[$_] } = $args[$_]; $given{ $order[$_] } = 1 }
    my @kv = @args[$i .. $#args];
    while (@kv) {
        my ($k, $v) = splice @kv, 0, 2;
        croak "$short: argument names must be strings" if !defined $k || ref $k;
        $k = $aliases->{$k} if exists $aliases->{$k};
        croak "$short: unknown argument '$k' (known: " . join(', ', @order) . ')' unless exists $a{$k};
        croak "$short: argument '$k' given both by position and by name" if $given{$k};
        $a{$k} = $v;
    }
    return \%a;
}

# Initializers are checked when the block is built, so that a misspelt option
# name taken as a positional initializer is reported at once.
sub _check_inits {
    my ($self, $a) = @_;
    for my $k (sort grep { /_initializer\z/ } keys %$a) {
        next unless defined $a->{$k};
        eval { AI::FusedRNN::Gluon::Initializer::check($a->{$k}); 1 }
            or croak AI::FusedRNN::Gluon::Block::_short($self) . ": $k: unknown initializer " . _d($a->{$k})
            . ' (an unknown option name given as name => value lands here too)';
    }
}

sub _positive_int {
    my ($v, $what) = @_;
    croak "$what must be a positive integer, got " . _d($v)
        if !defined $v || ref $v || !looks_like_number($v) || $v != int($v) || $v <= 0 || $v > 2**53;
    return 0 + $v;
}

sub _probability {
    my ($v, $what) = @_;
    croak "$what must be a number, got " . _d($v) if !defined $v || ref $v || !looks_like_number($v);
    croak "$what must be in [0, 1), got $v" unless $v >= 0 && $v < 1;
    return 0 + $v;
}

sub _activation {
    my ($v, $what) = @_;
    croak "$what must be one of " . join(', ', map {"'$_'"} qw(tanh relu sigmoid softsign softrelu)) . ', got ' . _d($v)
        if !defined $v || ref $v || !exists $AI::FusedRNN::ACTIVATION{$v};
    return $v;
}

sub _float_array {
    my ($v, $what) = @_;
    $v = PDL::Core::pdl(PDL::double(), $v) if ref $v eq 'ARRAY';
    croak "$what must be a float or double PDL, got " . _d($v) unless _is_pdl($v) && !$v->isnull;
    my $t = "" . $v->type;
    croak "$what must be a float or double PDL, got type $t" unless $t eq 'float' || $t eq 'double';
    return $v;
}

sub _cshape { return reverse $_[0]->dims }
sub _shape_str { my @s = @_; return @s == 1 ? "($s[0],)" : '(' . join(', ', @s) . ')' }

sub _check_layout {
    my ($layout) = @_;
    croak "Invalid layout " . _d($layout) . "; must be 'NTC' or 'TNC'"
        if !defined $layout || ref $layout || ($layout ne 'NTC' && $layout ne 'TNC');
    return (index($layout, 'T'), index($layout, 'N'));
}

# element $t along C axis $axis (a physical copy)
sub _take {
    my ($x, $axis, $t) = @_;
    my $pa = $x->ndims - 1 - $axis;
    return $x->mv($pa, 0)->slice("($t)")->copy;
}

# np.stack(list, axis) for PDLs of equal dims
sub _stack {
    my ($list, $axis) = @_;
    my $s = PDL::Core::cat(@$list);    # new last PDL dim = C axis 0
    my $nd = $s->ndims;
    my $pa = $nd - 1 - $axis;
    return $pa == $nd - 1 ? $s : $s->mv($nd - 1, $pa)->copy;
}

# (seq, axis, batch, was_tensor, type): seq a list of step PDLs when $merge
# is false (or undef with a list given), else one PDL with time on C axis $axis.
sub _format_sequence {
    my ($length, $inputs, $layout, $merge) = @_;
    my ($axis, $baxis) = _check_layout($layout);
    croak 'unroll needs inputs (a PDL or an array ref of PDLs)' unless defined $inputs;
    if (ref $inputs eq 'ARRAY' && !(@$inputs && !ref $inputs->[0])) {
        croak 'unroll got an empty list of inputs' unless @$inputs;
        my @seq = map { _float_array($inputs->[$_], "inputs[$_]") } 0 .. $#$inputs;
        croak "unroll(length=$length) got a list of " . scalar(@seq) . ' inputs; the list must hold one (N, C) array per step'
            if defined $length && @seq != $length;
        my $s0 = join ',', $seq[0]->dims;
        croak 'the inputs of one unroll must all have the same shape (N, ...); got ['
            . join(', ', map { _shape_str(_cshape($_)) } @seq) . ']' if grep { join(',', $_->dims) ne $s0 } @seq;
        croak 'the inputs of one unroll must share one dtype' if grep { $_->type != $seq[0]->type } @seq;
        my @c = _cshape($seq[0]);
        return (_stack(\@seq, $axis), $axis, $c[0], 0, $seq[0]->type) if $merge;
        return (\@seq, $axis, $c[0], 0, $seq[0]->type);
    }
    my $arr = _float_array($inputs, 'inputs');
    my @c = _cshape($arr);
    croak "unroll expects an input array of at least 3 dimensions in layout $layout, got shape " . _shape_str(@c)
        if @c < 3;
    my $steps = $c[$axis];
    croak "unroll(length=$length) got inputs with $steps time steps (axis $axis of shape " . _shape_str(@c) . ", layout $layout)"
        if defined $length && $steps != $length;
    if (defined $merge && !$merge) {
        return ([map { _take($arr, $axis, $_) } 0 .. $steps - 1], $axis, $c[$baxis], 1, $arr->type);
    }
    return ($arr, $axis, $c[$baxis], 1, $arr->type);
}

sub _check_length { return defined $_[0] ? _positive_int($_[0], 'length') : undef }

sub _valid_lengths {
    my ($vl, $batch, $length) = @_;
    return undef unless defined $vl;
    my $p = ref $vl eq 'ARRAY' ? PDL::Core::pdl(PDL::double(), $vl) : $vl;
    croak 'valid_length must be a PDL or an array ref of numbers, got ' . _d($vl) unless _is_pdl($p) && !$p->isnull;
    my @s = _cshape($p);
    croak "valid_length must have shape ($batch,) (the batch size), got " . _shape_str(@s) if @s != 1 || $s[0] != $batch;
    my @l = $p->list;
    for (@l) {
        croak 'valid_length must hold whole numbers, got [' . join(', ', @l) . ']' if $_ != $_ || $_ != int($_);
    }
    croak "valid_length must lie in [0, length=$length], got [" . join(', ', @l) . ']' if grep { $_ < 0 || $_ > $length } @l;
    return [map { int $_ } @l];
}

sub _merge { my ($outs, $axis, $merge) = @_; return $merge ? _stack($outs, $axis) : [@$outs] }
sub _default_merge { my ($m, $vl) = @_; return defined $m ? ($m ? 1 : 0) : (defined $vl ? 1 : 0) }

# zero (+0.0, NaN included) the batch rows $n of a step PDL (batch = last PDL dim)
sub _zero_rows {
    my ($o, @rows) = @_;
    return $o unless @rows;
    $o = $o->copy;
    my $v = $o->mv($o->ndims - 1, 0);
    $v->slice("($_)") .= 0 for @rows;
    return $o;
}

sub _mask_steps {
    my ($outs, $vl) = @_;
    my @r;
    for my $t (0 .. $#$outs) {
        push @r, _zero_rows($outs->[$t], grep { $t >= $vl->[$_] } 0 .. $#$vl);
    }
    return \@r;
}

sub _mask_tensor {
    my ($data, $vl, $axis) = @_;
    my @c = _cshape($data);
    my @steps = map { _take($data, $axis, $_) } 0 .. $c[$axis] - 1;
    return _stack(_mask_steps(\@steps, $vl), $axis);
}

sub _mask_sequence {
    my ($data, $vl, $axis) = @_;
    return ref $data eq 'ARRAY' ? _mask_steps($data, $vl) : _mask_tensor($data, $vl, $axis);
}

# per-step list reversed in time; with lengths only each row's valid prefix
sub _reverse_steps {
    my ($seq, $vl) = @_;
    return [reverse @$seq] unless defined $vl;
    my $T = @$seq;
    my @out;
    for my $t (0 .. $T - 1) {
        my $o = $seq->[$t]->copy;
        my $ov = $o->mv($o->ndims - 1, 0);
        for my $n (0 .. $#$vl) {
            next unless $t < $vl->[$n];
            my $src = $seq->[ $vl->[$n] - 1 - $t ];
            $ov->slice("($n)") .= $src->mv($src->ndims - 1, 0)->slice("($n)");
        }
        push @out, $o;
    }
    return \@out;
}

# each state's rows after their last valid step (the begin state for a length 0)
sub _last_valid {
    my ($step_states, $begin, $vl) = @_;
    my @r;
    for my $j (0 .. $#$begin) {
        my $o = $begin->[$j]->copy;
        my $ov = $o->mv($o->ndims - 1, 0);
        for my $n (0 .. $#$vl) {
            next unless $vl->[$n] > 0;
            my $src = $step_states->[ $vl->[$n] - 1 ][$j];
            $ov->slice("($n)") .= $src->mv($src->ndims - 1, 0)->slice("($n)");
        }
        push @r, $o;
    }
    return \@r;
}

sub _state_list {
    my ($states, $cell) = @_;
    return [$states] if _is_pdl($states);
    croak 'states of ' . AI::FusedRNN::Gluon::Block::_short($cell) . ' must be an array ref of PDLs, got ' . _d($states)
        unless ref $states eq 'ARRAY';
    return [@$states];
}

# keep ? new : old, elementwise (mask broadcast over size-1 dims)
sub _select {
    my ($keep, $new, $old) = @_;
    my $full = $keep + PDL::Core::zeros(PDL::byte(), $new->dims);
    my $o = $new->copy;
    my $drop = ($full == 0);
    $o->where($drop) .= $old->where($drop) if $drop->any;
    return $o;
}

# The masks of one step: the k-th mask drawn is stream k under the step's seed.
package AI::FusedRNN::Gluon::RNN::_StepMasks;
sub new { my ($c, $seed) = @_; return bless { seed => $seed, stream => 0 }, $c }
sub keep {
    my ($self, $shape, $p) = @_;
    my $m = AI::FusedRNN::dropout_mask(seed => $self->{seed}, stream => $self->{stream}, shape => $shape, p => $p);
    $self->{stream}++;
    return $m;
}

package AI::FusedRNN::Gluon::RNN::Cell;

sub _draw_rng {
    my ($training, $seed) = AI::FusedRNN::Gluon::resolve();
    return $training ? AI::FusedRNN::Gluon::RNN::_StepMasks->new($seed) : undef;
}

sub _contains_bidirectional {
    my ($cell) = @_;
    return 1 if $cell->isa('AI::FusedRNN::Gluon::RNN::BidirectionalCell');
    return scalar grep { $_->isa('AI::FusedRNN::Gluon::RNN::RecurrentCell') && _contains_bidirectional($_) } $cell->_children;
}

# ============================================================================================
package AI::FusedRNN::Gluon::RNN::RecurrentCell;
use Carp qw(croak);
our @ISA = ('AI::FusedRNN::Gluon::Block');

*_d = \&AI::FusedRNN::Gluon::RNN::Cell::_d;

sub new {
    my ($class, @args) = @_;
    my $a = AI::FusedRNN::Gluon::RNN::Cell::_parse($class, [[prefix => undef], [params => undef]], {}, @args);
    my $self = bless {}, $class;
    $self->_init_cell($a->{prefix}, $a->{params});
    return $self;
}

sub _init_cell {
    my ($self, $prefix, $params) = @_;
    $self->_init_block($prefix, $params);
    $self->{modified} = 0;
    $self->reset;
    return $self;
}

sub reset {
    my ($self) = @_;
    $self->{init_counter} = -1;
    $self->{counter} = -1;
    $_->reset for grep { $_->isa(__PACKAGE__) } $self->_children;
}

sub state_info { croak AI::FusedRNN::Gluon::Block::_short($_[0]) . ' does not define state_info()' }

sub _check_unmodified {
    my ($self) = @_;
    croak "cell '$self->{name}' is wrapped by a modifier cell (e.g. ZoneoutCell, ResidualCell) and cannot be called "
        . 'directly; call the modifier cell instead' if $self->{modified};
}

# begin_state($batch, func => $code, %info_overrides)
sub begin_state {
    my ($self, $batch, @kw) = @_;
    $self->_check_unmodified;
    return $self->_begin_state($batch, @kw);
}

sub _begin_state {
    my ($self, $batch, %kw) = @_;
    $batch = 0 unless defined $batch;
    my $func = delete $kw{func};
    my @states;
    for my $info (@{ $self->state_info($batch) }) {
        $self->{init_counter}++;
        my %i = (%{ $info || {} }, %kw);
        $i{name} = "$self->{prefix}begin_state_$self->{init_counter}" unless defined $i{name};
        if ($func) {
            push @states, $func->(%i);
        } else {
            my $dt = AI::FusedRNN::_dtype_name('begin_state', 'dtype', defined $i{dtype} ? $i{dtype} : 'float32');
            push @states, PDL::Core::zeros(AI::FusedRNN::_pdl_type($dt), reverse @{ $i{shape} });
        }
    }
    return \@states;
}

# $cell->($x, $states, training => ..., seed => ...) -> ($output, \@new_states)
sub call {
    my ($self, $inputs, @rest) = @_;
    my $opt = AI::FusedRNN::Gluon::RNN::Layer::_trailing_opts({ training => 1, seed => 1 }, \@rest);
    croak AI::FusedRNN::Gluon::Block::_short($self) . ': expected ($inputs, $states) then training/seed options'
        if @rest > 1;
    $self->_check_unmodified;
    my @r = AI::FusedRNN::Gluon::_with_override($opt->{training}, $opt->{seed}, sub { $self->forward($inputs, $rest[0]) });
    return wantarray ? @r : $r[0];
}

sub forward {
    my ($self, $inputs, $states) = @_;
    $self->{counter}++;
    return $self->_step($inputs, $states);
}

sub _step { croak AI::FusedRNN::Gluon::Block::_short($_[0]) . ' defines neither forward() nor _step()' }

sub _default_states {
    my ($self, $inputs, $states) = @_;
    if (!defined $states) {
        my @c = AI::FusedRNN::_is_pdl($inputs) ? reverse($inputs->dims) : ();
        my $dt = AI::FusedRNN::_is_pdl($inputs) && "" . $inputs->type eq 'double' ? 'float64' : 'float32';
        return $self->_begin_state(@c ? $c[0] : 0, dtype => $dt);
    }
    return AI::FusedRNN::Gluon::RNN::Cell::_state_list($states, $self);
}

my %UNROLL = map { $_ => 1 } qw(begin_state layout merge_outputs valid_length training seed);

# unroll($length, $inputs, begin_state => , layout => 'NTC', merge_outputs => , valid_length => ,
#        training => , seed => ) -> ($outputs, \@states)
sub unroll {
    my ($self, $length, $inputs, @kv) = @_;
    my $short = AI::FusedRNN::Gluon::Block::_short($self);
    croak "$short: unroll expects (length, inputs, key => value ...)" if @kv % 2;
    my %o = @kv;
    for (keys %o) { croak "$short: unroll: unknown argument '$_' (known: " . join(', ', sort keys %UNROLL) . ')' unless $UNROLL{$_} }
    $self->_check_unmodified;
    my @r = AI::FusedRNN::Gluon::_with_override($o{training}, $o{seed}, sub {
        $self->_unroll($length, $inputs, $o{begin_state}, defined $o{layout} ? $o{layout} : 'NTC', $o{merge_outputs},
                       $o{valid_length});
    });
    return wantarray ? @r : $r[0];
}

sub _unroll {
    my ($self, $length, $inputs, $begin_state, $layout, $merge_outputs, $valid_length) = @_;
    $self->reset;
    $length = AI::FusedRNN::Gluon::RNN::Cell::_check_length($length);
    my ($seq, $axis, $batch, $was_tensor, $type) = AI::FusedRNN::Gluon::RNN::Cell::_format_sequence($length, $inputs, $layout, 0);
    my $vl = AI::FusedRNN::Gluon::RNN::Cell::_valid_lengths($valid_length, $batch, scalar @$seq);
    $begin_state = $self->_begin_state($batch, dtype => ("" . $type eq 'double' ? 'float64' : 'float32'))
        unless defined $begin_state;
    my $states = AI::FusedRNN::Gluon::RNN::Cell::_state_list($begin_state, $self);
    my $begin = $states;
    my (@outputs, @step_states);
    for my $x (@$seq) {
        my ($out, $new) = $self->forward($x, $states);
        $states = $new;
        push @outputs, $out;
        push @step_states, $states if $vl;
    }
    my $outs = \@outputs;
    if ($vl) {
        $states = AI::FusedRNN::Gluon::RNN::Cell::_last_valid(\@step_states, $begin, $vl);
        $outs = AI::FusedRNN::Gluon::RNN::Cell::_mask_steps($outs, $vl);
    }
    my $merge = AI::FusedRNN::Gluon::RNN::Cell::_default_merge($merge_outputs, $valid_length);
    return (AI::FusedRNN::Gluon::RNN::Cell::_merge($outs, $axis, $merge), $states);
}

package AI::FusedRNN::Gluon::RNN::HybridRecurrentCell;
our @ISA = ('AI::FusedRNN::Gluon::RNN::RecurrentCell');

# ============================================================================================
package AI::FusedRNN::Gluon::RNN::_GatedCell;
use Carp qw(croak);
our @ISA = ('AI::FusedRNN::Gluon::RNN::HybridRecurrentCell');

sub _gates { 1 }
sub _kind { 'rnn' }
sub _num_states { 1 }
sub _loadable_dtypes { ['float32', 'float64'] }

sub _init_gated {
    my ($self, $a) = @_;
    $self->_init_cell($a->{prefix}, $a->{params});
    $self->{hidden_size} = AI::FusedRNN::Gluon::RNN::Cell::_positive_int($a->{hidden_size}, 'hidden_size');
    my $I = defined $a->{input_size} ? $a->{input_size} : 0;
    croak 'input_size must be a non-negative integer (0: infer it), got ' . AI::FusedRNN::_describe($I)
        if ref $I || !Scalar::Util::looks_like_number($I) || $I < 0 || $I != int($I);
    $self->{input_size} = 0 + $I;
    AI::FusedRNN::Gluon::RNN::Cell::_check_inits($self, $a);
    my $rows = $self->_gates * $self->{hidden_size};
    $self->_register_param('i2h_weight', shape => [$rows, $self->{input_size}], init => $a->{i2h_weight_initializer}, allow_deferred_init => 1);
    $self->_register_param('h2h_weight', shape => [$rows, $self->{hidden_size}], init => $a->{h2h_weight_initializer}, allow_deferred_init => 1);
    $self->_register_param('i2h_bias', shape => [$rows], init => $a->{i2h_bias_initializer}, allow_deferred_init => 1);
    $self->_register_param('h2h_bias', shape => [$rows], init => $a->{h2h_bias_initializer}, allow_deferred_init => 1);
    return $self;
}

sub i2h_weight { $_[0]{reg_by}{i2h_weight} }
sub h2h_weight { $_[0]{reg_by}{h2h_weight} }
sub i2h_bias   { $_[0]{reg_by}{i2h_bias} }
sub h2h_bias   { $_[0]{reg_by}{h2h_bias} }
sub hidden_size { $_[0]{hidden_size} }

sub state_info {
    my ($self, $batch) = @_;
    $batch = 0 unless defined $batch;
    return [map { { shape => [$batch, $self->{hidden_size}], __layout__ => 'NC' } } 1 .. $self->_num_states];
}

sub _mapping {
    my ($self) = @_;
    my ($rows, $cols) = @{ $self->i2h_weight->shape };
    return ($cols ? $cols : 'None') . " -> $rows";
}

sub repr { my ($self) = @_; return AI::FusedRNN::Gluon::Block::_short($self) . '(' . $self->_mapping . ')' }

sub _activations { ('tanh', 'sigmoid') }

sub _finish_params {
    my ($self, $in) = @_;
    my $p = $self->i2h_weight;
    my ($rows, $cols) = @{ $p->shape };
    if ($cols == 0) { $p->shape([$rows, $in]) }
    elsif ($cols != $in) { croak "$self->{name} expects inputs with $cols features, got $in" }
    for my $q ($self->i2h_weight, $self->h2h_weight, $self->i2h_bias, $self->h2h_bias) {
        $q->_finish_deferred_init if $q->is_deferred;
    }
}

sub _step {
    my ($self, $inputs, $states) = @_;
    my $x = AI::FusedRNN::Gluon::RNN::Cell::_float_array($inputs, "the input of $self->{name}");
    $x = $x->clump($x->ndims - 1) if $x->ndims > 2;    # (N, ...) -> (N, -1)
    croak "$self->{name} expects an input of shape (batch, features), got a 1-d PDL" if $x->ndims < 2;
    $states = $self->_default_states($x, $states);
    croak sprintf('%s takes %d state array(s), got %d', AI::FusedRNN::Gluon::Block::_short($self), $self->_num_states,
                  scalar @$states) if @$states != $self->_num_states;
    $self->_finish_params($x->dim(0));
    my @w = map { $_->data } $self->i2h_weight, $self->h2h_weight, $self->i2h_bias, $self->h2h_bias;
    my $type = $w[0]->type;
    croak "parameters of $self->{name} have mixed dtypes; use cast()" if grep { $_->type != $type } @w;
    croak "the input has type " . $x->type . " but the parameters of $self->{name} are $type; convert one to match "
        . "(e.g. \$cell->cast('" . ($x->type eq 'double' ? 'float64' : 'float32') . "'))" if $x->type != $type;
    my @expect = ($x->dim(1), $self->{hidden_size});
    my @checked;
    for my $i (0 .. $#$states) {
        my $s = AI::FusedRNN::Gluon::RNN::Cell::_float_array($states->[$i], "state $i of $self->{name}");
        my @got = reverse $s->dims;
        croak 'Invalid recurrent state shape. Expecting ' . AI::FusedRNN::Gluon::RNN::Cell::_shape_str(@expect) . ', got '
            . AI::FusedRNN::Gluon::RNN::Cell::_shape_str(@got) . '.' if "@got" ne "@expect";
        croak "state $i has type " . $s->type . " but the parameters of $self->{name} are $type" if $s->type != $type;
        push @checked, $s;
    }
    my ($act, $ract) = $self->_activations;
    my @r = AI::FusedRNN::cell_step(cell => $self->_kind, x => $x, h => $checked[0],
        ($self->_kind eq 'lstm' ? (c => $checked[1]) : ()),
        i2h_weight => $w[0], h2h_weight => $w[1], i2h_bias => $w[2], h2h_bias => $w[3],
        activation => $act, recurrent_activation => $ract);
    return ($r[0], [@r]);
}

package AI::FusedRNN::Gluon::RNN::RNNCell;
our @ISA = ('AI::FusedRNN::Gluon::RNN::_GatedCell');
my @RNN_SPEC = ([hidden_size => undef], [activation => 'tanh'], [i2h_weight_initializer => undef],
    [h2h_weight_initializer => undef], [i2h_bias_initializer => 'zeros'], [h2h_bias_initializer => 'zeros'],
    [input_size => 0], [prefix => undef], [params => undef]);
sub new {
    my ($class, @args) = @_;
    my $a = AI::FusedRNN::Gluon::RNN::Cell::_parse($class, \@RNN_SPEC, {}, @args);
    my $self = bless { activation => AI::FusedRNN::Gluon::RNN::Cell::_activation($a->{activation}, 'activation') }, $class;
    return $self->_init_gated($a);
}
sub _alias { 'rnn' }
sub repr { my ($s) = @_; return 'RNNCell(' . $s->_mapping . ", $s->{activation})" }
sub _activations { ($_[0]{activation}, 'sigmoid') }

package AI::FusedRNN::Gluon::RNN::LSTMCell;
our @ISA = ('AI::FusedRNN::Gluon::RNN::_GatedCell');
my @LSTM_SPEC = ([hidden_size => undef], [i2h_weight_initializer => undef], [h2h_weight_initializer => undef],
    [i2h_bias_initializer => 'zeros'], [h2h_bias_initializer => 'zeros'], [input_size => 0], [prefix => undef],
    [params => undef], [activation => 'tanh'], [recurrent_activation => 'sigmoid']);
sub new {
    my ($class, @args) = @_;
    my $a = AI::FusedRNN::Gluon::RNN::Cell::_parse($class, \@LSTM_SPEC, {}, @args);
    my $self = bless {
        activation => AI::FusedRNN::Gluon::RNN::Cell::_activation($a->{activation}, 'activation'),
        recurrent_activation => AI::FusedRNN::Gluon::RNN::Cell::_activation($a->{recurrent_activation}, 'recurrent_activation'),
    }, $class;
    return $self->_init_gated($a);
}
sub _gates { 4 }
sub _kind { 'lstm' }
sub _num_states { 2 }
sub _alias { 'lstm' }
sub _activations { ($_[0]{activation}, $_[0]{recurrent_activation}) }

package AI::FusedRNN::Gluon::RNN::GRUCell;
our @ISA = ('AI::FusedRNN::Gluon::RNN::_GatedCell');
my @GRU_SPEC = ([hidden_size => undef], [i2h_weight_initializer => undef], [h2h_weight_initializer => undef],
    [i2h_bias_initializer => 'zeros'], [h2h_bias_initializer => 'zeros'], [input_size => 0], [prefix => undef],
    [params => undef]);
sub new {
    my ($class, @args) = @_;
    my $a = AI::FusedRNN::Gluon::RNN::Cell::_parse($class, \@GRU_SPEC, {}, @args);
    return (bless {}, $class)->_init_gated($a);
}
sub _gates { 3 }
sub _kind { 'gru' }
sub _alias { 'gru' }

# ============================================================================================
package AI::FusedRNN::Gluon::RNN::SequentialRNNCell;
use Carp qw(croak);
our @ISA = ('AI::FusedRNN::Gluon::RNN::RecurrentCell');

sub repr {
    my ($self) = @_;
    my @lines = map { "($_->[0]): " . AI::FusedRNN::Gluon::Block::_indent($_->[1]->repr, 2) } @{ $self->{children} };
    return AI::FusedRNN::Gluon::Block::_short($self) . "(\n" . join("\n", @lines) . "\n)";
}

sub add {
    my ($self, @cells) = @_;
    for my $cell (@cells) {
        croak AI::FusedRNN::Gluon::Block::_short($self) . '->add takes a recurrent cell, got ' . AI::FusedRNN::_describe($cell)
            unless Scalar::Util::blessed($cell) && $cell->isa('AI::FusedRNN::Gluon::RNN::RecurrentCell');
        $self->register_child($cell);
    }
    return $self;
}

sub get { my ($self, $i) = @_; return $self->_child("$i") }
sub len { scalar @{ $_[0]{children} } }

sub state_info {
    my ($self, $batch) = @_;
    return [map { @{ $_->state_info($batch) } } $self->_children];
}

sub _begin_state {
    my ($self, @args) = @_;
    my @s;
    for my $c ($self->_children) { $c->_check_unmodified; push @s, @{ $c->_begin_state(@args) } }
    return \@s;
}

sub _step {
    my ($self, $inputs, $states) = @_;
    croak AI::FusedRNN::Gluon::Block::_short($self) . ' holds a BidirectionalCell, which cannot be stepped; use unroll()'
        if grep { AI::FusedRNN::Gluon::RNN::Cell::_contains_bidirectional($_) } $self->_children;
    my @cells = $self->_children;
    my @per;
    if (!defined $states) {
        @per = map { undef } @cells;
    } else {
        $states = AI::FusedRNN::Gluon::RNN::Cell::_state_list($states, $self);
        my @counts = map { scalar @{ $_->state_info } } @cells;
        my $sum = 0;
        $sum += $_ for @counts;
        croak sprintf("%s takes %d state arrays (its cells' lists concatenated), got %d",
                      AI::FusedRNN::Gluon::Block::_short($self), $sum, scalar @$states) if @$states != $sum;
        my $p = 0;
        for my $n (@counts) { push @per, [@$states[$p .. $p + $n - 1]]; $p += $n }
    }
    my @next;
    for my $i (0 .. $#cells) {
        $cells[$i]->_check_unmodified;
        my ($out, $new) = $cells[$i]->forward($inputs, $per[$i]);
        $inputs = $out;
        push @next, @$new;
    }
    return ($inputs, \@next);
}

sub _unroll {
    my ($self, $length, $inputs, $begin_state, $layout, $merge_outputs, $valid_length) = @_;
    $self->reset;
    $length = AI::FusedRNN::Gluon::RNN::Cell::_check_length($length);
    my ($seq, undef, $batch, undef, $type) = AI::FusedRNN::Gluon::RNN::Cell::_format_sequence($length, $inputs, $layout, undef);
    my $steps = ref $seq eq 'ARRAY' ? scalar @$seq : ($seq->dims)[ $seq->ndims - 1 - index($layout, 'T') ];
    AI::FusedRNN::Gluon::RNN::Cell::_valid_lengths($valid_length, $batch, $steps);
    $begin_state = $self->_begin_state($batch, dtype => ("" . $type eq 'double' ? 'float64' : 'float32'))
        unless defined $begin_state;
    $begin_state = AI::FusedRNN::Gluon::RNN::Cell::_state_list($begin_state, $self);
    my @cells = $self->_children;
    my @counts = map { scalar @{ $_->state_info } } @cells;
    my $sum = 0;
    $sum += $_ for @counts;
    croak sprintf('%s takes %d begin state arrays, got %d', AI::FusedRNN::Gluon::Block::_short($self), $sum,
                  scalar @$begin_state) if @$begin_state != $sum;
    my ($p, @next) = (0);
    for my $i (0 .. $#cells) {
        $cells[$i]->_check_unmodified;
        my $merge = $i == $#cells ? $merge_outputs : undef;
        my $n = $counts[$i];
        my ($out, $st) = $cells[$i]->_unroll($steps, $seq, [@$begin_state[$p .. $p + $n - 1]], $layout, $merge, $valid_length);
        $seq = $out;
        $p += $n;
        push @next, @$st;
    }
    unless (@cells) {
        my $merge = AI::FusedRNN::Gluon::RNN::Cell::_default_merge($merge_outputs, $valid_length);
        ($seq) = AI::FusedRNN::Gluon::RNN::Cell::_format_sequence($steps, $seq, $layout, $merge);
    }
    return ($seq, \@next);
}

package AI::FusedRNN::Gluon::RNN::HybridSequentialRNNCell;
our @ISA = ('AI::FusedRNN::Gluon::RNN::SequentialRNNCell', 'AI::FusedRNN::Gluon::RNN::HybridRecurrentCell');

# ============================================================================================
package AI::FusedRNN::Gluon::RNN::BidirectionalCell;
use Carp qw(croak);
our @ISA = ('AI::FusedRNN::Gluon::RNN::HybridRecurrentCell');

sub new {
    my ($class, @args) = @_;
    my $a = AI::FusedRNN::Gluon::RNN::Cell::_parse($class, [[l_cell => undef], [r_cell => undef], [output_prefix => 'bi_']], {}, @args);
    for my $w (qw(l_cell r_cell)) {
        croak "$w must be a recurrent cell, got " . AI::FusedRNN::_describe($a->{$w})
            unless Scalar::Util::blessed($a->{$w}) && $a->{$w}->isa('AI::FusedRNN::Gluon::RNN::RecurrentCell');
    }
    my $self = bless {}, $class;
    $self->_init_cell('', undef);
    $self->register_child($a->{l_cell}, 'l_cell');
    $self->register_child($a->{r_cell}, 'r_cell');
    $self->{output_prefix} = $a->{output_prefix};
    return $self;
}

sub repr {
    my ($self) = @_;
    return 'BidirectionalCell(forward=' . $self->_child('l_cell')->repr . ', backward=' . $self->_child('r_cell')->repr . ')';
}

sub call { croak 'BidirectionalCell cannot be stepped; use unroll()' }
sub forward { croak 'BidirectionalCell cannot be stepped; use unroll()' }

sub state_info { my ($self, $b) = @_; return [map { @{ $_->state_info($b) } } $self->_children] }

sub _begin_state {
    my ($self, @args) = @_;
    my @s;
    for my $c ($self->_children) { $c->_check_unmodified; push @s, @{ $c->_begin_state(@args) } }
    return \@s;
}

sub _unroll {
    my ($self, $length, $inputs, $begin_state, $layout, $merge_outputs, $valid_length) = @_;
    $self->reset;
    $length = AI::FusedRNN::Gluon::RNN::Cell::_check_length($length);
    my ($seq, $axis, $batch, undef, $type) = AI::FusedRNN::Gluon::RNN::Cell::_format_sequence($length, $inputs, $layout, 0);
    my $steps = @$seq;
    my $vl = AI::FusedRNN::Gluon::RNN::Cell::_valid_lengths($valid_length, $batch, $steps);
    my ($l, $r) = ($self->_child('l_cell'), $self->_child('r_cell'));
    $l->_check_unmodified;
    $r->_check_unmodified;
    $begin_state = $self->_begin_state($batch, dtype => ("" . $type eq 'double' ? 'float64' : 'float32'))
        unless defined $begin_state;
    $begin_state = AI::FusedRNN::Gluon::RNN::Cell::_state_list($begin_state, $self);
    my ($nl, $nr) = (scalar @{ $l->state_info }, scalar @{ $r->state_info });
    croak sprintf('BidirectionalCell takes %d begin state arrays, got %d', $nl + $nr, scalar @$begin_state)
        if @$begin_state != $nl + $nr;
    my ($lo, $ls) = $l->_unroll($steps, $seq, [@$begin_state[0 .. $nl - 1]], $layout, 0, $valid_length);
    my ($ro, $rs) = $r->_unroll($steps, AI::FusedRNN::Gluon::RNN::Cell::_reverse_steps($seq, $vl),
                                [@$begin_state[$nl .. $nl + $nr - 1]], $layout, 0, $valid_length);
    $ro = AI::FusedRNN::Gluon::RNN::Cell::_reverse_steps($ro, $vl);
    # concatenation along the last C axis (PDL dim 0)
    my @outs = map { $lo->[$_]->glue(0, $ro->[$_]) } 0 .. $#$lo;
    my $outs = \@outs;
    $outs = AI::FusedRNN::Gluon::RNN::Cell::_mask_steps($outs, $vl) if $vl;
    my $merge = AI::FusedRNN::Gluon::RNN::Cell::_default_merge($merge_outputs, $valid_length);
    return (AI::FusedRNN::Gluon::RNN::Cell::_merge($outs, $axis, $merge), [@$ls, @$rs]);
}

# ============================================================================================
package AI::FusedRNN::Gluon::RNN::DropoutCell;
use Carp qw(croak);
our @ISA = ('AI::FusedRNN::Gluon::RNN::HybridRecurrentCell');

sub new {
    my ($class, @args) = @_;
    my $a = AI::FusedRNN::Gluon::RNN::Cell::_parse($class, [[rate => undef], [axes => []], [prefix => undef], [params => undef]],
                                                    {}, @args);
    my $self = bless {}, $class;
    $self->_init_cell($a->{prefix}, $a->{params});
    $self->{rate} = AI::FusedRNN::Gluon::RNN::Cell::_probability($a->{rate}, 'rate');
    my $axes = $a->{axes};
    $axes = [] unless defined $axes;
    $axes = [$axes] unless ref $axes;
    croak 'axes must be an array ref of integers, got ' . AI::FusedRNN::_describe($a->{axes})
        if ref $axes ne 'ARRAY' || grep { !defined $_ || ref $_ || !/\A[+-]?\d+\z/ } @$axes;
    $self->{axes} = [map { 0 + $_ } @$axes];
    return $self;
}

sub rate { $_[0]{rate} }
sub axes { [@{ $_[0]{axes} }] }
sub _alias { 'dropout' }
sub repr {
    my ($self) = @_;
    my @a = @{ $self->{axes} };
    return "DropoutCell(rate=$self->{rate}, axes=" . (@a == 1 ? "($a[0],)" : '(' . join(', ', @a) . ')') . ')';
}
sub state_info { [] }

sub _dropout {
    my ($self, $x) = @_;
    $x = AI::FusedRNN::Gluon::RNN::Cell::_float_array($x, "the input of $self->{name}");
    return $x if $self->{rate} == 0;
    my $rng = AI::FusedRNN::Gluon::RNN::Cell::_draw_rng() or return $x;
    my @shape = reverse $x->dims;
    my $nd = @shape;
    for my $a (@{ $self->{axes} }) {
        croak '(axes ' . join(', ', @{ $self->{axes} }) . ") do not fit an input of $nd dimensions" unless -$nd <= $a && $a < $nd;
        $shape[$a] = 1;
    }
    my $keep = $rng->keep(\@shape, $self->{rate});
    my $scale = PDL::Core::pdl($x->type, 1.0 / (1.0 - $self->{rate}));
    my $scaled = $x * $scale;
    return AI::FusedRNN::Gluon::RNN::Cell::_select($keep, $scaled, PDL::Core::zeros($x->type, $x->dims));
}

sub _step {
    my ($self, $inputs, $states) = @_;
    $states = defined $states ? AI::FusedRNN::Gluon::RNN::Cell::_state_list($states, $self) : [];
    return ($self->_dropout($inputs), $states);
}

sub _unroll {
    my ($self, $length, $inputs, $begin_state, $layout, $merge_outputs, $valid_length) = @_;
    $self->reset;
    $length = AI::FusedRNN::Gluon::RNN::Cell::_check_length($length);
    my ($seq, $axis, $batch) = AI::FusedRNN::Gluon::RNN::Cell::_format_sequence($length, $inputs, $layout, $merge_outputs);
    if (ref $seq ne 'ARRAY') {
        my $vl = AI::FusedRNN::Gluon::RNN::Cell::_valid_lengths($valid_length, $batch, ($seq->dims)[ $seq->ndims - 1 - $axis ]);
        my $out = $self->_dropout($seq);
        $out = AI::FusedRNN::Gluon::RNN::Cell::_mask_tensor($out, $vl, $axis) if $vl;
        return ($out, defined $begin_state ? AI::FusedRNN::Gluon::RNN::Cell::_state_list($begin_state, $self) : []);
    }
    return AI::FusedRNN::Gluon::RNN::RecurrentCell::_unroll($self, $length, $seq, $begin_state, $layout, $merge_outputs,
                                                            $valid_length);
}

# ============================================================================================
package AI::FusedRNN::Gluon::RNN::ModifierCell;
use Carp qw(croak);
our @ISA = ('AI::FusedRNN::Gluon::RNN::HybridRecurrentCell');

sub new {
    my ($class, @args) = @_;
    my $a = AI::FusedRNN::Gluon::RNN::Cell::_parse($class, [[base_cell => undef]], {}, @args);
    return (bless {}, $class)->_init_modifier($a->{base_cell});
}

sub _init_modifier {
    my ($self, $base) = @_;
    croak AI::FusedRNN::Gluon::Block::_short($self) . ' wraps a recurrent cell, got ' . AI::FusedRNN::_describe($base)
        unless Scalar::Util::blessed($base) && $base->isa('AI::FusedRNN::Gluon::RNN::RecurrentCell');
    croak "cell '$base->{name}' is already modified; one cell cannot be modified twice" if $base->{modified};
    $self->_init_cell($base->prefix . $self->_alias, undef);
    $base->{modified} = 1;
    $self->register_child($base, 'base_cell');
    return $self;
}

sub _alias { 'modifier' }
sub base_cell { $_[0]->_child('base_cell') }
sub params { $_[0]->base_cell->params }
sub state_info { my ($s, $b) = @_; return $s->base_cell->state_info($b) }
sub _begin_state { my $s = shift; return $s->base_cell->_begin_state(@_) }
sub repr { my ($s) = @_; return AI::FusedRNN::Gluon::Block::_short($s) . '(' . $s->base_cell->repr . ')' }
sub _step { my $s = shift; return $s->base_cell->forward(@_) }

package AI::FusedRNN::Gluon::RNN::ZoneoutCell;
use Carp qw(croak);
our @ISA = ('AI::FusedRNN::Gluon::RNN::ModifierCell');

sub new {
    my ($class, @args) = @_;
    my $a = AI::FusedRNN::Gluon::RNN::Cell::_parse($class, [[base_cell => undef], [zoneout_outputs => 0], [zoneout_states => 0]],
                                                    {}, @args);
    my $base = $a->{base_cell};
    croak 'ZoneoutCell cannot wrap ' . AI::FusedRNN::Gluon::Block::_short($base) . ': a BidirectionalCell cannot be stepped. '
        . 'Wrap the cells inside it with ZoneoutCell instead'
        if Scalar::Util::blessed($base) && $base->isa('AI::FusedRNN::Gluon::RNN::RecurrentCell')
        && AI::FusedRNN::Gluon::RNN::Cell::_contains_bidirectional($base);
    my $self = bless {
        zoneout_outputs => AI::FusedRNN::Gluon::RNN::Cell::_probability($a->{zoneout_outputs}, 'zoneout_outputs'),
        zoneout_states => AI::FusedRNN::Gluon::RNN::Cell::_probability($a->{zoneout_states}, 'zoneout_states'),
    }, $class;
    return $self->_init_modifier($base);
}

sub _alias { 'zoneout' }
sub repr {
    my ($s) = @_;
    return "ZoneoutCell(p_out=$s->{zoneout_outputs}, p_state=$s->{zoneout_states}, " . $s->base_cell->repr . ')';
}

sub reset { my ($self) = @_; $self->SUPER::reset; $self->{prev_output} = undef }

sub _step {
    my ($self, $inputs, $states) = @_;
    my $base = $self->base_cell;
    $states = $base->_default_states($inputs, $states) unless defined $states;
    $states = AI::FusedRNN::Gluon::RNN::Cell::_state_list($states, $self);
    my ($out, $new) = $base->forward($inputs, $states);
    my $prev = $self->{prev_output};
    $prev = PDL::Core::zeros($out->type, $out->dims) if !defined $prev || join(',', $prev->dims) ne join(',', $out->dims);
    my $rng;
    $rng = AI::FusedRNN::Gluon::RNN::Cell::_draw_rng() if $self->{zoneout_outputs} || $self->{zoneout_states};
    if ($rng) {
        if ($self->{zoneout_outputs}) {
            my $keep = $rng->keep([reverse $out->dims], $self->{zoneout_outputs});
            $out = AI::FusedRNN::Gluon::RNN::Cell::_select($keep, $out, $prev);
        }
        if ($self->{zoneout_states}) {
            my @mixed;
            for my $i (0 .. $#$new) {
                last if $i > $#$states;
                my $keep = $rng->keep([reverse $new->[$i]->dims], $self->{zoneout_states});
                push @mixed, AI::FusedRNN::Gluon::RNN::Cell::_select($keep, $new->[$i], $states->[$i]);
            }
            $new = \@mixed;
        }
    }
    $self->{prev_output} = $out;
    return ($out, [@$new]);
}

package AI::FusedRNN::Gluon::RNN::ResidualCell;
use Carp qw(croak);
our @ISA = ('AI::FusedRNN::Gluon::RNN::ModifierCell');

sub new {
    my ($class, @args) = @_;
    my $a = AI::FusedRNN::Gluon::RNN::Cell::_parse($class, [[base_cell => undef]], {}, @args);
    return (bless {}, $class)->_init_modifier($a->{base_cell});
}

sub _alias { 'residual' }

sub _step {
    my ($self, $inputs, $states) = @_;
    my ($out, $new) = $self->base_cell->forward($inputs, $states);
    my @o = reverse $out->dims;
    my @i = reverse $inputs->dims;
    croak 'ResidualCell: the base cell output has shape ' . AI::FusedRNN::Gluon::RNN::Cell::_shape_str(@o)
        . ' but the input has shape ' . AI::FusedRNN::Gluon::RNN::Cell::_shape_str(@i) . '; they must match' if "@o" ne "@i";
    return ($out + $inputs, $new);
}

sub _unroll {
    my ($self, $length, $inputs, $begin_state, $layout, $merge_outputs, $valid_length) = @_;
    $self->reset;
    my ($outs, $states) = $self->base_cell->_unroll($length, $inputs, $begin_state, $layout, $merge_outputs, $valid_length);
    my $merge = ref $outs eq 'ARRAY' ? 0 : 1;
    my ($seq, $axis, $batch) = AI::FusedRNN::Gluon::RNN::Cell::_format_sequence($length, $inputs, $layout, $merge);
    if (defined $valid_length) {
        my $steps = $merge ? ($seq->dims)[ $seq->ndims - 1 - $axis ] : scalar @$seq;
        $seq = AI::FusedRNN::Gluon::RNN::Cell::_mask_sequence($seq, AI::FusedRNN::Gluon::RNN::Cell::_valid_lengths($valid_length, $batch, $steps), $axis);
    }
    if ($merge) {
        my @o = reverse $outs->dims;
        my @s = reverse $seq->dims;
        croak 'ResidualCell: outputs of shape ' . AI::FusedRNN::Gluon::RNN::Cell::_shape_str(@o) . ' cannot be added to inputs of shape '
            . AI::FusedRNN::Gluon::RNN::Cell::_shape_str(@s) if "@o" ne "@s";
        return ($outs + $seq, $states);
    }
    return ([map { $outs->[$_] + $seq->[$_] } 0 .. $#$outs], $states);
}

1;

__END__

=head1 NAME

AI::FusedRNN::Gluon::RNN::Cell - Gluon-style recurrent cells (RNNCell, LSTMCell, GRUCell, containers, modifiers)

=head1 SYNOPSIS

  use AI::FusedRNN::Gluon::RNN;    # loads every class
  my $cell = AI::FusedRNN::Gluon::RNN::LSTMCell->new(hidden_size => 100);
  # or: gluon->rnn->LSTMCell(100, prefix => 'x_')
  $cell->initialize;
  my ($out, $states) = $cell->($x_step, $cell->begin_state(4));   # $x_step: dims (C, N)
  my ($outputs, $last) = $cell->unroll(5, $x, layout => 'NTC', merge_outputs => 1);

=head1 DESCRIPTION

The cells of Python's C<fusedrnn.gluon.rnn> (and of MXNet 1.x Gluon), one
package each, all defined in this file (C<use
AI::FusedRNN::Gluon::RNN::LSTMCell> and friends work too). Every cell step
is computed by the C core's C<fusedrnn_cell_step>, so results are bitwise
those of the Python package. PDLs carry C shapes reversed: a step input of
C shape C<(N, C)> is a PDL of dims C<(C, N)>; an C<NTC> sequence C<(N, T, C)>
has dims C<(C, T, N)>.

Constructors take Python's positional arguments in Python's order, then
C<< key => value >> pairs (so C<< new(hidden_size => 100) >> works); an
unknown name is an error.

=over 4

=item RNNCell(hidden_size, activation='tanh', i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', input_size=0, prefix, params)

=item LSTMCell(hidden_size, i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', input_size=0, prefix, params, activation='tanh', recurrent_activation='sigmoid')

=item GRUCell(hidden_size, the four initializers, input_size=0, prefix, params)

Activations: C<tanh>, C<relu>, C<sigmoid>, C<softsign>, C<softrelu>. States:
C<[h]> (C<[h, c]> for LSTM), C shape C<(N, H)>, C<__layout__> C<NC>.
Parameters C<i2h_weight> C<(G*H, I)>, C<h2h_weight> C<(G*H, H)>,
C<i2h_bias>, C<h2h_bias> C<(G*H)>; an input size of 0 is inferred at the
first step.

=item SequentialRNNCell(prefix, params), HybridSequentialRNNCell

C<add($cell, ...)>, C<get($i)>, C<len>; states are the children's lists
concatenated. Stepping one that holds a BidirectionalCell is refused.

=item BidirectionalCell(l_cell, r_cell, output_prefix='bi_')

Only C<unroll>: C<r_cell> reads each row's valid prefix reversed; outputs
concatenated on the feature axis; states C<l_cell>'s then C<r_cell>'s.

=item DropoutCell(rate, axes=[], prefix, params)

Dropout on the input in training mode only, kept values scaled by
C<1/(1-rate)>; C<axes> (C-order axes) share one mask value. Unrolled over a
merged PDL the mask is drawn once for the whole PDL.

=item ModifierCell(base_cell), ZoneoutCell(base_cell, zoneout_outputs=0, zoneout_states=0), ResidualCell(base_cell)

A cell can be modified once, and is then used only through its modifier
(prefix: the base cell's plus C<zoneout>/C<residual>; parameters: the base
cell's). Zoneout keeps each new output/state value with probability 1-p in
training, else the previous one (no rescaling). Residual adds the input to
the output (masked by C<valid_length> first when unrolling).

=back

=head2 Calling

C<< my ($output, $states) = $cell->($x, $states, training => ..., seed => ...) >>
(C<$states> undef: zeros of the input's type); C<begin_state($batch, func
=E<gt> $code, dtype =E<gt> ...)> (float32 zeros unless C<dtype>); C<state_info>;
C<reset>.

C<< my ($outputs, $states) = $cell->unroll($length, $inputs, begin_state => ...,
layout => 'NTC', merge_outputs => undef, valid_length => undef, training =>
..., seed => ...) >>: C<$inputs> is one PDL in C<layout> or an array ref of
step PDLs; C<merge_outputs> 1 gives one PDL in C<layout>, 0 an array ref,
undef an array ref, or one PDL when C<valid_length> is given (as MXNet
1.9.1 and the Python package). With C<valid_length> (C<N> whole numbers in
[0, length]) outputs past a row's length are 0 and the states are those
after its last valid step.

C<training> and C<seed> open a training (or inference) mode for the call,
as L<AI::FusedRNN::Gluon/train_mode> does: each DropoutCell/ZoneoutCell step
takes the mode's next seed and draws its k-th mask from stream k under it
(C<AI::FusedRNN::dropout_mask>), the numbering of Python's C<_StepMasks>.

=cut
