package AI::FusedRNN::Gluon::RNN::Layer;

use strict;
use warnings;
use Carp qw(croak);
use Scalar::Util qw(blessed looks_like_number);
use PDL::Lite ();
use PDL::Types ();
use AI::FusedRNN ();
use AI::FusedRNN::Gluon ();
use AI::FusedRNN::Gluon::Block ();

our $VERSION = '0.01';
our @ISA = ('AI::FusedRNN::Gluon::HybridBlock');

my %GATES = (rnn_relu => 1, rnn_tanh => 1, lstm => 4, gru => 3);

# ---- argument handling ------------------------------------------------------------

# Python-style positional arguments, then key => value pairs. Positional
# values end at the first known option name that leaves an even tail.
sub _parse_args {
    my ($class, $spec, $aliases, @args) = @_;
    my @order = map { $_->[0] } @$spec;
    my %known = map { $_ => 1 } @order, keys %$aliases, qw(prefix params use_sequence_length);
    my $i = 0;
    while ($i < @args) {
        last if (@args - $i) % 2 == 0 && defined $args[$i] && !ref $args[$i] && $known{ $args[$i] };
        $i++;
    }
    my @pos = @args[0 .. $i - 1];
    my @kv = @args[$i .. $#args];
    my $short = $class =~ s/.*:://r;
    croak "$short: too many positional arguments (" . scalar(@pos) . ', at most ' . scalar(@order) . ')'
        if @pos > @order;
    my %a = map { $_->[0] => $_->[1] } @$spec;
    my %given;
    $a{ $order[$_] } = $pos[$_], $given{ $order[$_] } = 1 for 0 .. $#pos;
    @a{qw(prefix params use_sequence_length)} = (undef, undef, 0);
    while (@kv) {
        my ($k, $v) = splice @kv, 0, 2;
        croak "$short: argument names must be strings" if !defined $k || ref $k;
        $k = $aliases->{$k} if exists $aliases->{$k};
        croak "$short: unknown argument '$k'" unless exists $a{$k};
        croak "$short: argument '$k' given both by position and by name" if $given{$k};
        $a{$k} = $v;
    }
    croak "$short: hidden_size is required" unless defined $a{hidden_size};
    return \%a;
}

sub _pos_int {
    my ($what, $v, $min) = @_;
    croak "$what must be an integer >= $min, got " . AI::FusedRNN::_describe($v)
        if !defined $v || ref $v || !looks_like_number($v) || $v != int($v) || $v < $min
        || $v > 2**53;
    return 0 + $v;
}

sub _new_layer {
    my ($class, $mode, $a) = @_;
    my $short = $class =~ s/.*:://r;
    my $layout = $a->{layout};
    croak "Invalid layout " . (defined $layout ? $layout : 'undef') . "; must be one of ['TNC' or 'NTC']"
        unless defined $layout && !ref $layout && ($layout eq 'TNC' || $layout eq 'NTC');
    my $H = _pos_int('hidden_size', $a->{hidden_size}, 1);
    my $L = _pos_int('num_layers', $a->{num_layers}, 1);
    my $I = _pos_int('input_size', defined $a->{input_size} ? $a->{input_size} : 0, 0);
    my $p = $a->{dropout};
    croak "dropout must be a number in [0, 1), got " . AI::FusedRNN::_describe($p)
        if !defined $p || ref $p || !looks_like_number($p) || !($p >= 0 && $p < 1);
    my $dtype = AI::FusedRNN::_dtype_name($short, 'dtype', defined $a->{dtype} ? $a->{dtype} : 'float32');
    my $P = $a->{projection_size};
    if ($P) {
        $P = _pos_int('projection_size', $P, 1);
        croak "projection_size must be smaller than hidden_size, got $P >= $H" if $P >= $H;
    } else {
        $P = undef;
    }
    my ($cmin, $cmax) = @$a{qw(state_clip_min state_clip_max)};
    croak "state_clip_min and state_clip_max must be given together" if defined($cmin) != defined($cmax);
    if (defined $cmin) {
        for ($cmin, $cmax) {
            croak "state clipping bounds must be finite numbers, got " . AI::FusedRNN::_describe($_)
                if ref $_ || !looks_like_number($_) || $_ != $_ || abs($_) == 9**9**9;
        }
        croak "state_clip_min must not exceed state_clip_max, got $cmin > $cmax" if $cmin > $cmax;
    }
    # A flag is 0/1 (or undef/''/a JSON boolean): a stray name read as a
    # positional value must fail loudly, not turn an option on.
    for my $flag (qw(bidirectional state_clip_nan use_sequence_length)) {
        my $v = $a->{$flag};
        next if !defined $v || (ref $v && ref($v) =~ /Boolean/) || (!ref $v && $v =~ /\A(?:0|1|)\z/);
        croak "$flag must be a boolean (0 or 1), got " . AI::FusedRNN::_describe($v);
    }
    my $self = bless {}, $class;
    require AI::FusedRNN::Gluon::RNN::Cell;
    AI::FusedRNN::Gluon::RNN::Cell::_check_inits($self, $a);
    $self->_init_block($a->{prefix}, $a->{params});
    %$self = (%$self,
        mode => $mode, hidden_size => $H, num_layers => $L, input_size => $I,
        layout => $layout, dropout => 0 + $p, dir => $a->{bidirectional} ? 2 : 1,
        projection_size => $P, clip_min => $cmin, clip_max => $cmax,
        clip_nan => $a->{state_clip_nan} ? 1 : 0, dtype => $dtype,
        use_sequence_length => $a->{use_sequence_length} ? 1 : 0,
        inits => { map { $_ => $a->{$_} } grep { /_initializer$/ } keys %$a },
    );
    my $npdt = _np_dtype($dtype);
    my $G = $GATES{$mode};
    my $R = $P || $H;
    my $in = $I;
    for my $l (0 .. $L - 1) {
        for my $d ((qw(l r))[0 .. $self->{dir} - 1]) {
            my $s = "$d${l}_";
            my %c = (allow_deferred_init => 1, dtype => $npdt);
            $self->_register_param("${s}i2h_weight", shape => [$G * $H, $in], init => $a->{i2h_weight_initializer}, %c);
            $self->_register_param("${s}h2h_weight", shape => [$G * $H, $R], init => $a->{h2h_weight_initializer}, %c);
            $self->_register_param("${s}i2h_bias", shape => [$G * $H], init => $a->{i2h_bias_initializer}, %c);
            $self->_register_param("${s}h2h_bias", shape => [$G * $H], init => $a->{h2h_bias_initializer}, %c);
            $self->_register_param("${s}h2r_weight", shape => [$P, $H], init => $a->{h2r_weight_initializer}, %c) if $P;
        }
        $in = $R * $self->{dir};
    }
    return $self;
}

# ---- parameters ----------------------------------------------------------------------

# The registered Parameter of an attribute name (l0_i2h_weight, ...).
sub param { my ($self, $n) = @_; return $self->{reg_by}{$n} }

# Structural names of MXNet's fused layers: the unfused cell stack they stand
# for (_unfused.0.l_cell.i2h_weight when bidirectional, else _unfused.0.i2h_weight).
sub _collect_params_with_prefix {
    my ($self, $prefix) = @_;
    $prefix = '' unless defined $prefix;
    $prefix .= '.' if length $prefix;
    my @r;
    for (@{ $self->{reg} }) {
        my ($key, $p) = @$_;
        my ($dir, $layer, $rest) = $key =~ /^([lr])(\d+)_(.*)$/;
        push @r, [$self->{dir} == 2 ? "${prefix}_unfused.$layer.${dir}_cell.$rest" : "${prefix}_unfused.$layer.$rest", $p];
    }
    push @r, @{ $_->[1]->_collect_params_with_prefix($prefix . $_->[0]) } for @{ $self->{children} };
    return \@r;
}

sub _loadable_dtypes { ['float32', 'float64'] }

sub _params_loaded {
    my ($self) = @_;
    my %d = map { $_->[1]->dtype => 1 } grep { $_->[1]->is_initialized } @{ $self->{reg} };
    my @d = keys %d;
    $self->{dtype} = $d[0] eq 'float64' ? 'double' : 'float' if @d == 1;
}

sub cast {
    my ($self, $dtype) = @_;
    my $np = AI::FusedRNN::Gluon::Parameter::_np_dtype('cast', $dtype);
    $self->SUPER::cast($np);
    $self->{dtype} = $np eq 'float64' ? 'double' : 'float';
    return $self;
}

# Flat-vector order: all weights, then all biases (per layer, l before r).
sub _param_order {
    my ($self) = @_;
    my @kinds = $self->{projection_size} ? qw(i2h h2h h2r) : qw(i2h h2h);
    my @order;
    for my $tail (qw(weight bias)) {
        for my $l (0 .. $self->{num_layers} - 1) {
            for my $d ((qw(l r))[0 .. $self->{dir} - 1]) {
                for my $k (@kinds) {
                    next if $k eq 'h2r' && $tail eq 'bias';
                    push @order, "$d${l}_${k}_$tail";
                }
            }
        }
    }
    return @order;
}

# Fill in the input size on first use and create deferred parameters.
sub _finish_params {
    my ($self, $in) = @_;
    for my $d ((qw(l r))[0 .. $self->{dir} - 1]) {
        my $p = $self->{reg_by}{"${d}0_i2h_weight"};
        my ($rows, $cols) = @{ $p->shape };
        if ($cols == 0) { $p->shape([$rows, $in]) }
        elsif ($cols != $in) {
            croak sprintf '%s expects %d input features, got %d', $self->{name}, $cols, $in;
        }
    }
    $_->[1]->_finish_deferred_init for grep { $_->[1]->is_deferred } @{ $self->{reg} };
}

# ---- states --------------------------------------------------------------------------

sub state_info {
    my ($self, $batch) = @_;
    $batch = 0 unless defined $batch;
    my $rows = $self->{num_layers} * $self->{dir};
    my $R = $self->{projection_size} || $self->{hidden_size};
    my @info = ({ shape => [$rows, $batch, $R], __layout__ => 'LNC', dtype => _np_dtype($self->{dtype}) });
    push @info, { shape => [$rows, $batch, $self->{hidden_size}], __layout__ => 'LNC',
                  dtype => _np_dtype($self->{dtype}) } if $self->{mode} eq 'lstm';
    return \@info;
}

sub _np_dtype { return $_[0] eq 'float' || $_[0] eq 'float32' ? 'float32' : 'float64' }

# begin_state($batch, func => sub { my (%info) = @_; ... }, dtype => ...)
sub begin_state {
    my ($self, $batch, %o) = @_;
    my $func = delete $o{func};
    my @states;
    my $i = 0;
    for my $info (@{ $self->state_info($batch) }) {
        my %inf = (%$info, name => "$self->{prefix}h0_$i", %o);
        $i++;
        if ($func) {
            push @states, $func->(%inf);
        } else {
            my $dt = AI::FusedRNN::_dtype_name('begin_state', 'dtype', $inf{dtype});
            push @states, PDL::Core::zeros(AI::FusedRNN::_pdl_type($dt), reverse @{ $inf{shape} });
        }
    }
    return \@states;
}

# ---- call ----------------------------------------------------------------------------

sub _shape_str {
    my @s = @_;
    return @s == 1 ? "($s[0],)" : '(' . join(', ', @s) . ')';
}

# Trailing key => value options of a call: the keys in %$known, taken from the end.
sub _trailing_opts {
    my ($known, $rest) = @_;
    my %opt;
    while (@$rest >= 2 && defined $rest->[-2] && !ref $rest->[-2] && $known->{ $rest->[-2] }) {
        my ($k, $v) = splice @$rest, -2;
        $opt{$k} = $v unless exists $opt{$k};
    }
    return \%opt;
}

# $layer->($x) -> output; $layer->($x, $states [, $sequence_length]) -> ($output, \@states).
# Trailing training => 0|1, seed => S, sequence_length => $len override the defaults.
sub forward {
    my ($self, $x, @rest) = @_;
    my $opt = _trailing_opts({ training => 1, seed => 1, sequence_length => 1 }, \@rest);
    my $short = ref($self) =~ s/.*:://r;
    croak "$short: too many arguments" if @rest > 2;
    my ($states, $lens) = @rest;
    if (exists $opt->{sequence_length}) {
        croak "$short: sequence_length given both by position and by name" if defined $lens;
        $lens = $opt->{sequence_length};
    }
    $x = PDL::Core::pdl(AI::FusedRNN::_pdl_type($self->{dtype}), $x) if ref $x eq 'ARRAY';
    croak "$short expects a PDL input, got " . AI::FusedRNN::_describe($x) unless AI::FusedRNN::_is_pdl($x);
    croak sprintf('%s expects a 3-d input in layout %s, got dims (%s)', $short, $self->{layout},
                  join(',', $x->dims)) if $x->ndims != 3;
    my $N = $self->{layout} eq 'TNC' ? $x->dim(1) : $x->dim(2);
    $self->_finish_params($x->dim(0));
    my $skip = !defined $states;
    if ($skip) {
        $states = $self->begin_state($N, dtype => _np_dtype("" . $x->type eq 'double' ? 'double' : 'float'));
    } elsif (AI::FusedRNN::_is_pdl($states)) {
        $states = [$states];
    } elsif (ref $states ne 'ARRAY') {
        croak "$short: states must be an array ref of PDLs (or one PDL), got " . AI::FusedRNN::_describe($states);
    }
    my $infos = $self->state_info($N);
    for my $k (0 .. $#$states) {
        my $s = $states->[$k];
        croak "$short: state $k must be a PDL, got " . AI::FusedRNN::_describe($s) unless AI::FusedRNN::_is_pdl($s);
        next unless $infos->[$k];
        my @want = @{ $infos->[$k]{shape} };
        my @got = reverse $s->dims;
        croak 'Invalid recurrent state shape. Expecting ' . _shape_str(@want) . ', got ' . _shape_str(@got) . '.'
            if "@want" ne "@got";
    }
    croak sprintf('%s takes %d recurrent state array(s), got %d', $short, scalar(@$infos), scalar(@$states))
        if @$states != @$infos;
    my @arrays = map { $self->{reg_by}{$_}->data } $self->_param_order;
    my %types = map { ("" . $_->type) => 1 } @arrays;
    croak "$short: parameters of $self->{name} have mixed dtypes (" . join(', ', sort keys %types) . '); use cast()'
        if keys %types != 1;
    my $total = 0;
    $total += $_->nelem for @arrays;
    my $flat = PDL::Core::zeros($arrays[0]->type, $total);
    {
        my $off = 0;
        for my $a (@arrays) {
            my $n = $a->nelem;
            $flat->slice($off . ':' . ($off + $n - 1)) .= $a->flat;
            $off += $n;
        }
    }
    for my $c (['input', $x], map { ["state $_", $states->[$_]] } 0 .. $#$states) {
        croak "$short: $c->[0] has type " . $c->[1]->type . " but the parameters are " . $flat->type . '; convert one to match'
            if $c->[1]->type != $flat->type;
    }
    if ($self->{use_sequence_length}) {
        croak "$short: this layer was built with use_sequence_length => 1 and needs a sequence_length argument"
            unless defined $lens;
    } else {
        $lens = undef;
    }
    my ($training, $seed) = AI::FusedRNN::Gluon::resolve($opt->{training}, $opt->{seed});
    my @r = AI::FusedRNN::rnn(
        data => $x, parameters => $flat, state => $states->[0],
        ($self->{mode} eq 'lstm' ? (state_cell => $states->[1]) : ()),
        (defined $lens ? (sequence_length => $lens) : ()),
        state_size => $self->{hidden_size}, num_layers => $self->{num_layers}, mode => $self->{mode},
        bidirectional => $self->{dir} - 1, p => $self->{dropout}, state_outputs => 1,
        projection_size => $self->{projection_size},
        lstm_state_clip_min => $self->{clip_min}, lstm_state_clip_max => $self->{clip_max},
        lstm_state_clip_nan => $self->{clip_nan}, use_sequence_length => $self->{use_sequence_length},
        layout => $self->{layout}, training => $training, seed => $seed);
    my $out = shift @r;
    return $out if $skip;
    return wantarray ? ($out, \@r) : $out;
}

# The equivalent stack of cells, sharing this layer's Parameter objects.
sub unfuse {
    my ($self) = @_;
    require AI::FusedRNN::Gluon::RNN::Cell;
    croak "_unfuse does not support projection layer (projection_size=$self->{projection_size}): no cell has a projection"
        if $self->{projection_size};
    croak '_unfuse does not support state clipping (state_clip_min/state_clip_max): no cell clips'
        if defined $self->{clip_min};
    my $in = $self->{inits};
    my $make = sub {
        my ($prefix, $input_size) = @_;
        my %i = (i2h_weight_initializer => $in->{i2h_weight_initializer},
                 h2h_weight_initializer => $in->{h2h_weight_initializer},
                 i2h_bias_initializer => $in->{i2h_bias_initializer},
                 h2h_bias_initializer => $in->{h2h_bias_initializer},
                 input_size => $input_size, prefix => $prefix);
        return 'AI::FusedRNN::Gluon::RNN::LSTMCell'->new($self->{hidden_size}, %i) if $self->{mode} eq 'lstm';
        return 'AI::FusedRNN::Gluon::RNN::GRUCell'->new($self->{hidden_size}, %i) if $self->{mode} eq 'gru';
        return 'AI::FusedRNN::Gluon::RNN::RNNCell'->new($self->{hidden_size}, activation => substr($self->{mode}, 4), %i);
    };
    my $stack = 'AI::FusedRNN::Gluon::RNN::HybridSequentialRNNCell'->new(prefix => $self->{prefix}, params => $self->{params});
    $stack->name_scope(sub {
        my $input_size = $self->{input_size};
        for my $i (0 .. $self->{num_layers} - 1) {
            if ($self->{dir} == 2) {
                $stack->add('AI::FusedRNN::Gluon::RNN::BidirectionalCell'->new($make->("l${i}_", $input_size),
                                                                               $make->("r${i}_", $input_size)));
            } else {
                $stack->add($make->("l${i}_", $input_size));
            }
            $stack->add('AI::FusedRNN::Gluon::RNN::DropoutCell'->new($self->{dropout}))
                if $self->{dropout} && $i != $self->{num_layers} - 1;
            $input_size = $self->{hidden_size} * $self->{dir};
        }
    });
    return $stack;
}

*_unfuse = \&unfuse;    # MXNet's (private) spelling

sub repr {
    my ($self) = @_;
    my $short = ref($self) =~ s/.*:://r;
    my $in = $self->{reg_by}{l0_i2h_weight}->shape->[1] || 'None';
    my $t = "$short($in -> $self->{hidden_size}, $self->{layout}";
    $t .= ", num_layers=$self->{num_layers}" if $self->{num_layers} != 1;
    $t .= ", dropout=$self->{dropout}" if $self->{dropout} != 0;
    $t .= ', bidirectional' if $self->{dir} == 2;
    return "$t)";
}

1;

__END__

=head1 NAME

AI::FusedRNN::Gluon::RNN::Layer - shared code of the fused Gluon-style RNN layers

=head1 DESCRIPTION

The base class (an L<AI::FusedRNN::Gluon::Block>) of
L<AI::FusedRNN::Gluon::RNN::RNN>, L<AI::FusedRNN::Gluon::RNN::LSTM> and
L<AI::FusedRNN::Gluon::RNN::GRU>. A layer registers one
L<AI::FusedRNN::Gluon::Parameter> per piece, named
C<{prefix}{l|r}{layer}_{i2h|h2h|h2r}_{weight|bias}>; its data is a PDL with
dims the reverse of the C shape (C<l0_i2h_weight> of shape C<(G*H, I)> has
dims C<(I, G*H)>). It is called as a code ref:

  my $out = $layer->($x);                          # zero begin states
  my ($out, $states) = $layer->($x, $states);      # $states = [$h] or [$h, $c]
  my ($out, $states) = $layer->($x, $states, $len);    # use_sequence_length => 1
  my $out = $layer->($x, undef, training => 1, seed => 7);

Trailing C<training>, C<seed> and C<sequence_length> pairs override the
mode of L<AI::FusedRNN::Gluon/train_mode>: C<training> undef follows the
mode; a given C<seed> goes to the op unchanged; inside
C<train_mode(seed =E<gt> S)> a call without one takes the next derived seed.

Methods (besides those of L<AI::FusedRNN::Gluon::Block>):
C<state_info($batch)> (C-order shapes, C<__layout__> C<LNC>),
C<begin_state($batch, func =E<gt> $code, %overrides)>, C<param($attr)>
(the Parameter of C<l0_i2h_weight> etc.), C<unfuse> (the equivalent
C<HybridSequentialRNNCell> of cells sharing this layer's parameters, with a
C<DropoutCell> between layers when C<dropout> is set; refused with a
projection or clipping), C<cast($dtype)>, C<repr> (also the string form,
e.g. C<LSTM(None -E<gt> 6, TNC, num_layers=2, bidirectional)>).

C<save_parameters> writes MXNet's structural names
C<_unfused.{layer}.{i2h|h2h|h2r}_{weight|bias}> (bidirectional:
C<_unfused.{layer}.{l|r}_cell.>...); C<collect_params> keys are the full
names (C<lstm0_l0_i2h_weight>).

The input size may be 0 at construction: it is taken from the first call
(or from a loaded file), and the parameters depending on it are created
then. Random initialisation uses PDL's generator; it is not the stream of
the Python package (load the same parameter file to compare the two).

=cut
