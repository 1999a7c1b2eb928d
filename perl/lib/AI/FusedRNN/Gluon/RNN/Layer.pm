package AI::FusedRNN::Gluon::RNN::Layer;

use strict;
use warnings;
use Carp qw(croak);
use Scalar::Util qw(blessed looks_like_number);
use PDL::Lite ();
use PDL::Types ();
use AI::FusedRNN ();

our $VERSION = '0.01';

use overload
    '&{}' => sub { my $self = shift; sub { $self->forward(@_) } },
    '""'  => sub { $_[0]->repr },
    'bool' => sub { 1 },
    fallback => 1;

my %GATES = (rnn_relu => 1, rnn_tanh => 1, lstm => 4, gru => 3);
my %COUNTER;

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
    my $prefix = $a->{prefix};
    unless (defined $prefix) {
        my $stem = lc $short;
        $prefix = $stem . ($COUNTER{$stem}++ || 0) . '_';
    }
    my $self = bless {
        mode => $mode, hidden_size => $H, num_layers => $L, input_size => $I,
        layout => $layout, dropout => 0 + $p, dir => $a->{bidirectional} ? 2 : 1,
        projection_size => $P, clip_min => $cmin, clip_max => $cmax,
        clip_nan => $a->{state_clip_nan} ? 1 : 0, dtype => $dtype,
        use_sequence_length => $a->{use_sequence_length} ? 1 : 0, prefix => $prefix,
        init => {}, data => {}, shapes => {},
    }, $class;
    # registered parameters: C-order shapes, the input size 0 until known
    my $G = $GATES{$mode};
    my $R = $P || $H;
    my $in = $I;
    for my $l (0 .. $L - 1) {
        for my $d ((qw(l r))[0 .. $self->{dir} - 1]) {
            my $s = "$d${l}_";
            $self->_register("${s}i2h_weight", [$G * $H, $in], $a->{i2h_weight_initializer});
            $self->_register("${s}h2h_weight", [$G * $H, $R], $a->{h2h_weight_initializer});
            $self->_register("${s}i2h_bias", [$G * $H], $a->{i2h_bias_initializer});
            $self->_register("${s}h2h_bias", [$G * $H], $a->{h2h_bias_initializer});
            $self->_register("${s}h2r_weight", [$P, $H], $a->{h2r_weight_initializer}) if $P;
        }
        $in = $R * $self->{dir};
    }
    if (my $shared = $a->{params}) {    # share the arrays of another layer's params
        croak "params must be a hash ref of PDLs" unless ref $shared eq 'HASH';
        for my $k (keys %{ $self->{shapes} }) {
            $self->{data}{$k} = $shared->{"$prefix$k"} if defined $shared->{"$prefix$k"};
        }
    }
    return $self;
}

sub _register {
    my ($self, $name, $shape, $init) = @_;
    push @{ $self->{order} }, $name;
    $self->{shapes}{$name} = $shape;
    $self->{init}{$name} = $init;
}

# ---- parameters ----------------------------------------------------------------------

sub prefix { $_[0]{prefix} }

# Flat-vector order: all weights, then all biases.
sub _flat_order {
    my ($self) = @_;
    my @w = grep { /_weight$/ } @{ $self->{order} };
    my @b = grep { /_bias$/ } @{ $self->{order} };
    return (@w, @b);
}

# name (with prefix) => PDL, for the parameters initialised so far.
sub collect_params {
    my ($self) = @_;
    return { map { ($self->{prefix} . $_) => $self->{data}{$_} }
             grep { defined $self->{data}{$_} } @{ $self->{order} } };
}

sub params { $_[0]->collect_params }

# initialize(init => 'uniform'|'zeros'|'ones'|'lstmbias'|['uniform', s]|['normal', s]|['constant', v]|CODE,
#            force_reinit => 0)
sub initialize {
    my ($self, @args) = @_;
    unshift @args, 'init' if @args % 2;    # initialize('ones')
    my %o = @args;
    for (keys %o) { croak "initialize: unknown argument '$_'" unless /^(init|force_reinit|ctx)$/ }
    $self->{global_init} = defined $o{init} ? $o{init} : 'uniform';
    _check_init($self->{global_init});
    _check_init($_) for grep { defined } values %{ $self->{init} };
    $self->{initialized} = 1;
    for my $name (@{ $self->{order} }) {
        next if defined $self->{data}{$name} && !$o{force_reinit};
        delete $self->{data}{$name};
        $self->_materialize($name) unless grep { $_ == 0 } @{ $self->{shapes}{$name} };
    }
    return $self;
}

sub _check_init {
    my ($i) = @_;
    return if ref $i eq 'CODE';
    my ($n) = ref $i eq 'ARRAY' ? @$i : ($i);
    croak "unknown initializer " . AI::FusedRNN::_describe($i)
        unless defined $n && !ref $n && $n =~ /^(zeros?|ones?|lstmbias|uniform|normal|constant)$/i;
}

sub _materialize {
    my ($self, $name) = @_;
    my @dims = reverse @{ $self->{shapes}{$name} };
    my $type = AI::FusedRNN::_pdl_type($self->{dtype});
    my $init = defined $self->{init}{$name} ? $self->{init}{$name} : $self->{global_init};
    my $p = PDL::Core::zeros($type, @dims);
    if (ref $init eq 'CODE') {
        $init->($p, $self->{prefix} . $name);
    } else {
        my ($kind, $arg) = ref $init eq 'ARRAY' ? @$init : ($init);
        $kind = lc $kind;
        if ($kind eq 'ones' || $kind eq 'one') { $p .= 1 }
        elsif ($kind eq 'constant') { $p .= $arg }
        elsif ($kind eq 'uniform') {
            my $s = defined $arg ? $arg : 0.07;
            $p .= (PDL::Primitive::random($type, @dims) * 2 - 1) * $s;
        }
        elsif ($kind eq 'normal') {
            my $s = defined $arg ? $arg : 0.01;
            $p .= PDL::Primitive::grandom($type, @dims) * $s;
        }
        elsif ($kind eq 'lstmbias') {    # forget-gate rows [H, 2H) = 1
            my $H = $self->{hidden_size};
            $p->slice($H . ':' . (2 * $H - 1)) .= 1 if $p->ndims == 1 && $p->dim(0) >= 2 * $H;
        }
    }
    $self->{data}{$name} = $p;
}

# Fill in the input size on first use and create deferred parameters.
sub _finish_params {
    my ($self, $in) = @_;
    croak "$self->{prefix}: call initialize() before using the layer" unless $self->{initialized};
    for my $d ((qw(l r))[0 .. $self->{dir} - 1]) {
        my $s = $self->{shapes}{"${d}0_i2h_weight"};
        if ($s->[1] == 0) { $s->[1] = $in; $self->{input_size} = $in }
        elsif ($s->[1] != $in) {
            croak sprintf '%s expects %d input features, got %d', $self->{prefix}, $s->[1], $in;
        }
    }
    for my $name (@{ $self->{order} }) {
        $self->_materialize($name) unless defined $self->{data}{$name};
    }
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

sub _np_dtype { return $_[0] eq 'float' ? 'float32' : 'float64' }

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

# $layer->($x) -> output; $layer->($x, $states [, $sequence_length]) -> ($output, \@states).
# Trailing training => 0|1, seed => S override the defaults (inference, seed 0).
sub forward {
    my ($self, $x, @rest) = @_;
    my %opt;
    while (@rest >= 2 && defined $rest[-2] && !ref $rest[-2] && $rest[-2] =~ /^(training|seed)$/) {
        my ($k, $v) = splice @rest, -2;
        $opt{$k} = $v;
    }
    my ($states, $lens) = @rest;
    croak ref($self) . ": too many arguments" if @rest > 2;
    my $short = ref($self) =~ s/.*:://r;
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
    my $flat = AI::FusedRNN::pack_params({ map { $_ => $self->{data}{$_} } @{ $self->{order} } },
        input_size => $self->{shapes}{l0_i2h_weight}[1], state_size => $self->{hidden_size},
        num_layers => $self->{num_layers}, mode => $self->{mode}, bidirectional => $self->{dir} - 1,
        projection_size => $self->{projection_size});
    croak "$short: input has type " . $x->type . " but the parameters are " . $flat->type . '; convert one to match'
        if $x->type != $flat->type;
    if ($self->{use_sequence_length}) {
        croak "$short: this layer was built with use_sequence_length => 1 and needs a sequence_length argument"
            unless defined $lens;
    } else {
        $lens = undef;
    }
    my @r = AI::FusedRNN::rnn(
        data => $x, parameters => $flat, state => $states->[0],
        ($self->{mode} eq 'lstm' ? (state_cell => $states->[1]) : ()),
        (defined $lens ? (sequence_length => $lens) : ()),
        state_size => $self->{hidden_size}, num_layers => $self->{num_layers}, mode => $self->{mode},
        bidirectional => $self->{dir} - 1, p => $self->{dropout}, state_outputs => 1,
        projection_size => $self->{projection_size},
        lstm_state_clip_min => $self->{clip_min}, lstm_state_clip_max => $self->{clip_max},
        lstm_state_clip_nan => $self->{clip_nan}, use_sequence_length => $self->{use_sequence_length},
        layout => $self->{layout}, training => $opt{training} ? 1 : 0,
        seed => defined $opt{seed} ? $opt{seed} : 0);
    my $out = shift @r;
    return $out if $skip;
    return wantarray ? ($out, \@r) : $out;
}

sub repr {
    my ($self) = @_;
    my $short = ref($self) =~ s/.*:://r;
    my $in = $self->{shapes}{l0_i2h_weight}[1] || 'None';
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

The base class of L<AI::FusedRNN::Gluon::RNN::RNN>,
L<AI::FusedRNN::Gluon::RNN::LSTM> and L<AI::FusedRNN::Gluon::RNN::GRU>.
A layer holds its parameters as PDLs (dims the reverse of the C shapes,
e.g. C<l0_i2h_weight> of shape C<(G*H, I)> has dims C<(I, G*H)>), and is
called as a code ref:

  my $out = $layer->($x);                          # zero begin states
  my ($out, $states) = $layer->($x, $states);      # $states = [$h] or [$h, $c]
  my ($out, $states) = $layer->($x, $states, $len);    # use_sequence_length
  my $out = $layer->($x, undef, training => 1, seed => 7);

Methods: C<initialize(init =E<gt> $spec, force_reinit =E<gt> 0)> where a spec is
C<'uniform'> (the default, +-0.07), C<'normal'>, C<'zeros'>, C<'ones'>,
C<'lstmbias'>, C<['uniform', $scale]>, C<['normal', $sigma]>,
C<['constant', $v]> or a code ref called with the PDL to fill and its name;
a parameter's own initializer (the constructor's C<*_initializer>
arguments; biases default to C<'zeros'>) wins over the global one.
C<collect_params> / C<params> (hash ref, names with the prefix),
C<state_info($batch)> (C-order shapes, C<__layout__> C<LNC>),
C<begin_state($batch, func =E<gt> $code, %overrides)>, C<forward>, C<repr>
(also the string form, e.g. C<LSTM(None -E<gt> 6, TNC, num_layers=2, bidirectional)>).

The input size may be 0 at construction: it is taken from the first call,
and the parameters depending on it are created then.

Random initialisation uses PDL's generator; it is not the stream of the
Python package (set parameters explicitly to compare the two).

=cut
