package AI::FusedRNN;

use strict;
use warnings;
use Carp qw(croak);
use Scalar::Util qw(blessed looks_like_number reftype);
use PDL::Lite ();
use PDL::Types ();
use PDL::Core ();

our $VERSION = '0.01';

require XSLoader;
XSLoader::load('AI::FusedRNN', $VERSION);

use Exporter 'import';
our @EXPORT_OK = qw(rnn rnn_param_size pack_params unpack_params dropout_keep
                    param_names dropout_mask derive_seed cell_step);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

# ---- constants mirrored from fusedrnn.h -------------------------------------
my %MODE   = (rnn_relu => 0, rnn_tanh => 1, lstm => 2, gru => 3);
my %GATES  = (rnn_relu => 1, rnn_tanh => 1, lstm => 4, gru => 3);
my %LAYOUT = (TNC => 0, NTC => 1);
my %DTYPE_CODE = (float => 0, double => 1);    # PDL type name -> fusedrnn_dtype
my %DTYPE_ALIAS = (
    float => 'float', float32 => 'float', f4 => 'float',
    double => 'double', float64 => 'double', f8 => 'double',
);
my %BACKEND = (cpu => 0, cuda => 1);

# ---- small helpers ------------------------------------------------------------
sub _describe {
    my ($v) = @_;
    return 'undef' unless defined $v;
    if (ref $v) {
        my $b = blessed $v;
        if ($b && $v->isa('PDL')) {
            return 'a null PDL' if $v->isnull;
            return sprintf 'a %s PDL with dims (%s)', $v->type, join(',', $v->dims);
        }
        return "an object of class $b" if $b;
        my $r = ref $v;
        return ($r =~ /^[AEIOU]/ ? 'an ' : 'a ') . "$r reference";
    }
    my $s = "$v";
    $s = substr($s, 0, 40) . '...' if length $s > 43;
    return "'$s'";
}

sub _is_pdl { my ($v) = @_; return blessed($v) && $v->isa('PDL') }

# A JSON::PP / Types::Serialiser boolean (or any object overloading bool/0+).
sub _is_bool_object {
    my ($v) = @_;
    return blessed($v) && ($v->isa('JSON::PP::Boolean') || $v->isa('Types::Serialiser::Boolean')
        || $v->isa('boolean'));
}

sub _int {
    my ($fn, $name, $v, $min, $max) = @_;
    $v = "$v" if blessed($v) && $v->isa('Math::BigInt');
    croak "$fn: $name: expected an integer, got " . _describe($v)
        if !defined $v || ref $v || !looks_like_number($v)
        || $v != $v || $v =~ /inf|nan/i || $v != int($v);
    croak "$fn: $name: expected an integer >= $min, got $v" if defined $min && $v < $min;
    croak "$fn: $name: expected an integer <= $max, got $v" if defined $max && $v > $max;
    croak "$fn: $name: expected an integer <= 2**63-1, got $v" if $v >= 9.2e18 || $v <= -9.2e18;
    return 0 + $v;
}

sub _num {
    my ($fn, $name, $v) = @_;
    croak "$fn: $name: expected a number, got " . _describe($v)
        if !defined $v || ref $v || !looks_like_number($v);
    return 0 + $v;
}

sub _bool {
    my ($fn, $name, $v) = @_;
    return 0 unless defined $v;
    return $v ? 1 : 0 if _is_bool_object($v);
    croak "$fn: $name: expected a boolean (0 or 1), got " . _describe($v)
        if ref $v || !($v eq '' || (looks_like_number($v) && ($v == 0 || $v == 1)));
    return $v ? 1 : 0;
}

sub _enum {
    my ($fn, $name, $v, $map) = @_;
    croak "$fn: $name: expected one of " . join(', ', map {"'$_'"} sort keys %$map)
        . ', got ' . _describe($v)
        if !defined $v || ref $v || !exists $map->{$v};
    return $v;
}

sub _seed {
    my ($fn, $v) = @_;
    $v = "$v" if blessed($v) && $v->isa('Math::BigInt');
    croak "$fn: seed: expected an integer in [0, 2**64-1], got " . _describe($v)
        if !defined $v || ref $v;
    if ($v =~ /\A\s*\+?(\d+)\s*\z/) {
        my $d = $1;
        $d =~ s/\A0+(?=\d)//;
        croak "$fn: seed: expected an integer in [0, 2**64-1], got $v"
            if length($d) > 20 || (length($d) == 20 && $d gt '18446744073709551615');
        return $d;
    }
    croak "$fn: seed: expected an integer in [0, 2**64-1], got " . _describe($v)
        unless looks_like_number($v) && $v == int($v) && $v >= 0 && $v < 1.8446744073709552e19;
    return sprintf('%.0f', $v);
}

# Named arguments with an exact set of accepted names (as with a hash, a
# later pair overrides an earlier one of the same name).
sub _named {
    my ($fn, $allowed, @args) = @_;
    croak "$fn: expected key => value pairs, got an odd number of arguments" if @args % 2;
    my %a;
    while (@args) {
        my ($k, $v) = splice @args, 0, 2;
        croak "$fn: argument names must be strings, got " . _describe($k) if !defined $k || ref $k;
        croak "$fn: unknown argument '$k' (known: " . join(', ', sort keys %$allowed) . ')'
            unless $allowed->{$k};
        $a{$k} = $v;
    }
    return \%a;
}

# PDL type object for 'float' / 'double' (also accepts PDL::Type objects).
sub _dtype_name {
    my ($fn, $name, $v) = @_;
    return undef unless defined $v;
    if (blessed($v) && $v->isa('PDL::Type')) {
        my $n = "$v";
        return $n if exists $DTYPE_CODE{$n};
        croak "$fn: $name: expected float or double, got the PDL type $n";
    }
    croak "$fn: $name: expected one of 'float32', 'float64' (or 'float', 'double'), got "
        . _describe($v)
        if ref $v || !exists $DTYPE_ALIAS{lc $v};
    return $DTYPE_ALIAS{lc $v};
}

sub _pdl_type { my ($name) = @_; return $name eq 'float' ? PDL::float() : PDL::double() }

# Check a nested array ref: rectangular, numeric leaves. Returns its dims (C order).
sub _check_nested {
    my ($fn, $name, $v, $depth) = @_;
    croak "$fn: $name: nested array too deep" if $depth > 16;
    if (ref $v eq 'ARRAY') {
        croak "$fn: $name: empty array" unless @$v;
        my @shape;
        for my $i (0 .. $#$v) {
            my @s = _check_nested($fn, $name, $v->[$i], $depth + 1);
            if ($i == 0) { @shape = @s }
            elsif ("@s" ne "@shape") {
                croak "$fn: $name: ragged nested array (rows of different shapes)";
            }
        }
        return (scalar(@$v), @shape);
    }
    croak "$fn: $name: expected numbers in the nested array, got " . _describe($v)
        if !defined $v || ref $v || !looks_like_number($v);
    return ();
}

# A float input: PDL of the wanted type (croak otherwise) or a nested array
# converted to it. Returns a PDL.
sub _float_input {
    my ($fn, $name, $v, $type) = @_;    # $type: 'float' | 'double' | undef (from the PDL)
    croak "$fn: $name: expected a PDL or an array ref, got undef" unless defined $v;
    if (_is_pdl($v)) {
        croak "$fn: $name: expected a PDL with data, got a null PDL" if $v->isnull;
        my $t = "" . $v->type;
        croak "$fn: $name: expected a PDL of type "
            . (defined $type ? $type : 'float or double') . ", got type $t"
            if !exists $DTYPE_CODE{$t} || (defined $type && $t ne $type);
        return $v;
    }
    if (ref $v eq 'ARRAY') {
        _check_nested($fn, $name, $v, 0);
        return PDL::Core::pdl(_pdl_type(defined $type ? $type : 'double'), $v);
    }
    croak "$fn: $name: expected a PDL or an array ref, got " . _describe($v);
}

sub _dims_str { return '(' . join(',', @_) . ')' }

sub _check_dims {
    my ($fn, $name, $p, $what, @want) = @_;
    my @got = $p->dims;
    croak "$fn: $name: expected a PDL with dims " . _dims_str(@want) . " $what, got dims "
        . _dims_str(@got)
        if @got != @want || grep { $got[$_] != $want[$_] } 0 .. $#want;
}

# Byte string (the PDL's own data SV when possible; no copy) for the XS.
sub _dataref {
    my ($p) = @_;
    my $r = eval { $p->get_dataref };
    unless ($r) {    # e.g. an mmapped PDL: work on a copy
        $p = $p->copy;
        $r = $p->get_dataref;
    }
    return ($r, $p);
}

# ---- descriptor ----------------------------------------------------------------
my %DESC_KEYS = map { $_ => 1 } qw(mode hidden_size num_layers input_size bidirectional
    projection_size dropout use_clip clip_min clip_max clip_nan dtype layout
    use_sequence_length backend);

# AI::FusedRNN::Desc->new(%config): the C descriptor, config fields named as
# in fusedrnn_config (mode/dtype/layout/backend by name).
sub AI::FusedRNN::Desc::new {
    my $class = shift;
    my $fn = 'AI::FusedRNN::Desc::new';
    my %c = %{ _named($fn, \%DESC_KEYS, (@_ == 1 && ref $_[0] eq 'HASH') ? %{ $_[0] } : @_) };
    my $mode = _enum($fn, 'mode', defined $c{mode} ? $c{mode} : 'lstm', \%MODE);
    my $dt = _dtype_name($fn, 'dtype', defined $c{dtype} ? $c{dtype} : 'float32');
    my $layout = _enum($fn, 'layout', defined $c{layout} ? $c{layout} : 'TNC', \%LAYOUT);
    my $backend = _enum($fn, 'backend', defined $c{backend} ? lc $c{backend} : 'cpu', \%BACKEND);
    for my $k (qw(hidden_size input_size)) {
        croak "$fn: $k is required" unless defined $c{$k};
    }
    return $class->_create(
        $MODE{$mode},
        _int($fn, 'hidden_size', $c{hidden_size}),
        _int($fn, 'num_layers', defined $c{num_layers} ? $c{num_layers} : 1),
        _int($fn, 'input_size', $c{input_size}),
        _bool($fn, 'bidirectional', $c{bidirectional}),
        _int($fn, 'projection_size', defined $c{projection_size} ? $c{projection_size} : 0),
        _num($fn, 'dropout', defined $c{dropout} ? $c{dropout} : 0),
        _bool($fn, 'use_clip', $c{use_clip}),
        _num($fn, 'clip_min', defined $c{clip_min} ? $c{clip_min} : 0),
        _num($fn, 'clip_max', defined $c{clip_max} ? $c{clip_max} : 0),
        _bool($fn, 'clip_nan', $c{clip_nan}),
        $DTYPE_CODE{$dt},
        $LAYOUT{$layout},
        _bool($fn, 'use_sequence_length', $c{use_sequence_length}),
        $BACKEND{$backend},
    );
}

# ---- rnn -----------------------------------------------------------------------
my %RNN_ARGS = map { $_ => 1 } qw(data parameters state state_cell sequence_length
    state_size num_layers mode bidirectional p state_outputs projection_size
    lstm_state_clip_min lstm_state_clip_max lstm_state_clip_nan use_sequence_length
    layout training seed dtype max_threads);

# Shared option handling of rnn, rnn_param_size, pack/unpack: returns the
# normalised config hash for AI::FusedRNN::Desc::new.
sub _common_config {
    my ($fn, $a, $input_size) = @_;
    for my $k (qw(state_size num_layers mode)) {
        croak "$fn: $k is required" unless defined $a->{$k};
    }
    my $mode = _enum($fn, 'mode', $a->{mode}, \%MODE);
    my $H = _int($fn, 'state_size', $a->{state_size}, 1);
    my $L = _int($fn, 'num_layers', $a->{num_layers}, 1);
    my $P = 0;
    if (defined $a->{projection_size}) {
        $P = _int($fn, 'projection_size', $a->{projection_size}, 1);
        croak "$fn: projection_size: only the lstm mode has a projection, got mode '$mode'"
            if $mode ne 'lstm';
        croak "$fn: projection_size: expected an integer below state_size ($H), got $P"
            if $P >= $H;
    }
    return {
        mode => $mode, hidden_size => $H, num_layers => $L, input_size => $input_size,
        bidirectional => _bool($fn, 'bidirectional', $a->{bidirectional}),
        projection_size => $P,
    };
}

# Runs $code; an AI::FusedRNN::Error from the core is rethrown naming the
# public function and the caller's location.
sub _core {
    my ($fn, $code) = @_;
    my @r;
    my $want = wantarray;
    my $ok = eval { @r = $want ? $code->() : scalar $code->(); 1 };
    return $want ? @r : $r[0] if $ok;
    my $e = $@;
    die $e unless blessed($e) && $e->isa('AI::FusedRNN::Error');
    my $msg = sprintf '%s: %s (fusedrnn status %d)', $fn,
        AI::FusedRNN::status_message($e->status), $e->status;
    AI::FusedRNN::Error->throw(status => $e->status, where => $fn,
                               message => Carp::shortmess($msg) =~ s/\n\z//r);
}

sub rnn {
    my @args = @_;
    return _core('AI::FusedRNN::rnn', sub { _rnn_impl(@args) });
}

sub _rnn_impl {
    my $fn = 'AI::FusedRNN::rnn';
    my $a = _named($fn, \%RNN_ARGS, @_);
    croak "$fn: data is required" unless exists $a->{data};
    croak "$fn: parameters is required" unless exists $a->{parameters};

    my $want = _dtype_name($fn, 'dtype', $a->{dtype});
    my $x = _float_input($fn, 'data', $a->{data}, $want);
    my $dt = "" . $x->type;
    croak "$fn: data: expected a 3-dimensional PDL, got " . _describe($x) if $x->ndims != 3;
    croak "$fn: data: expected a PDL with no zero dims, got " . _describe($x)
        if grep { $_ < 1 } $x->dims;

    my $layout = _enum($fn, 'layout', defined $a->{layout} ? $a->{layout} : 'TNC', \%LAYOUT);
    my ($I, $d1, $d2) = $x->dims;
    my ($N, $T) = $layout eq 'TNC' ? ($d1, $d2) : ($d2, $d1);

    my $cfg = _common_config($fn, $a, $I);
    my $use_len = _bool($fn, 'use_sequence_length', $a->{use_sequence_length});
    my ($cmin, $cmax) = @$a{qw(lstm_state_clip_min lstm_state_clip_max)};
    croak "$fn: lstm_state_clip_min and lstm_state_clip_max must be given together"
        if defined($cmin) != defined($cmax);
    my $use_clip = defined $cmin ? 1 : 0;
    my $training = _bool($fn, 'training', $a->{training});
    my $state_outputs = _bool($fn, 'state_outputs', $a->{state_outputs});
    my $seed = _seed($fn, defined $a->{seed} ? $a->{seed} : 0);
    my $threads = _int($fn, 'max_threads', defined $a->{max_threads} ? $a->{max_threads} : 0,
                       0, 1024);

    my $p = _num($fn, 'p', defined $a->{p} ? $a->{p} : 0);
    croak "$fn: p: expected a dropout probability in [0, 1), got $p" unless $p >= 0 && $p < 1;
    if ($use_clip) {
        croak "$fn: lstm_state_clip_min/max: only the lstm mode clips its state, got mode '$cfg->{mode}'"
            if $cfg->{mode} ne 'lstm';
        $cmin = _num($fn, 'lstm_state_clip_min', $cmin);
        $cmax = _num($fn, 'lstm_state_clip_max', $cmax);
        croak "$fn: lstm_state_clip_min ($cmin) must not exceed lstm_state_clip_max ($cmax)"
            if $cmin > $cmax;
    }
    my $desc = AI::FusedRNN::Desc->new(
        %$cfg,
        dropout => $p,
        use_clip => $use_clip,
        clip_min => $use_clip ? $cmin : 0,
        clip_max => $use_clip ? $cmax : 0,
        clip_nan => _bool($fn, 'lstm_state_clip_nan', $a->{lstm_state_clip_nan}),
        dtype => $dt, layout => $layout, use_sequence_length => $use_len,
    );
    my $is_lstm = $cfg->{mode} eq 'lstm';

    # parameters (count,)
    my $count = $desc->param_count;
    my $w = _float_input($fn, 'parameters', $a->{parameters}, $dt);
    _check_dims($fn, 'parameters', $w, "(the flat parameter vector for this configuration)",
                $count);

    # states, PDL dims reversed from the C shapes
    my @hshape = reverse @{ $desc->state_shape($N) };
    my ($h0, $c0);
    if (defined $a->{state}) {
        $h0 = _float_input($fn, 'state', $a->{state}, $dt);
        _check_dims($fn, 'state', $h0, '(R, N, L*D)', @hshape);
    }
    my @cshape;
    if (defined $a->{state_cell}) {
        croak "$fn: state_cell: only the lstm mode has a cell state, got mode '$cfg->{mode}'"
            unless $is_lstm;
        @cshape = reverse @{ $desc->cell_state_shape($N) };
        $c0 = _float_input($fn, 'state_cell', $a->{state_cell}, $dt);
        _check_dims($fn, 'state_cell', $c0, '(H, N, L*D)', @cshape);
    } elsif ($is_lstm) {
        @cshape = reverse @{ $desc->cell_state_shape($N) };
    }

    # sequence_length (N,) -> int64
    my $lens;
    if (defined $a->{sequence_length}) {
        croak "$fn: sequence_length given but use_sequence_length is not set"
            unless $use_len;
        $lens = _lengths($fn, $a->{sequence_length}, $N, $T);
    } elsif ($use_len) {
        croak "$fn: sequence_length is required when use_sequence_length is set";
    }

    # outputs
    my $type = $x->type;
    my $y = PDL::Core::zeros($type, reverse @{ $desc->output_shape($T, $N) });
    my $hy = $state_outputs ? PDL::Core::zeros($type, @hshape) : undef;
    my $cy = $state_outputs && $is_lstm ? PDL::Core::zeros($type, @cshape) : undef;

    my ($xr, $wr, $hr, $cr, $lr, $yr, $hyr, $cyr);
    ($xr, $x) = _dataref($x);
    ($wr, $w) = _dataref($w);
    ($hr, $h0) = _dataref($h0) if defined $h0;
    ($cr, $c0) = _dataref($c0) if defined $c0;
    ($lr, $lens) = _dataref($lens) if defined $lens;
    $yr = $y->get_dataref;
    $hyr = $hy->get_dataref if defined $hy;
    $cyr = $cy->get_dataref if defined $cy;

    $desc->forward_raw($T, $N, $$xr, $$wr,
        $hr ? $$hr : undef, $cr ? $$cr : undef, $lr ? $$lr : undef,
        $$yr, $hyr ? $$hyr : undef, $cyr ? $$cyr : undef,
        $training, $seed, $threads);
    $y->upd_data;
    $hy->upd_data if defined $hy;
    $cy->upd_data if defined $cy;

    return $y unless $state_outputs;
    return wantarray ? ($y, $hy, (defined $cy ? $cy : ())) : $y;
}

# sequence_length: integer PDL / array ref, or a floating PDL holding whole
# numbers; returned as a longlong PDL of dims (N).
sub _lengths {
    my ($fn, $v, $N, $T) = @_;
    my $p;
    if (_is_pdl($v)) {
        croak "$fn: sequence_length: expected a PDL with data, got a null PDL" if $v->isnull;
        $p = $v;
    } elsif (ref $v eq 'ARRAY') {
        _check_nested($fn, 'sequence_length', $v, 0);
        $p = PDL::Core::pdl(PDL::double(), $v);
    } else {
        croak "$fn: sequence_length: expected an integer PDL or an array ref, got "
            . _describe($v);
    }
    _check_dims($fn, 'sequence_length', $p, '(N)', $N);
    my $t = "" . $p->type;
    croak "$fn: sequence_length: expected an integer PDL, got type $t" if $t =~ /^c/;
    unless ($p->type->integer) {
        for my $e ($p->list) {
            croak "$fn: sequence_length: expected whole numbers, got the value $e"
                if $e != $e || $e != int($e) || abs($e) > 9.2e18;
        }
    }
    my @l = $p->list;
    for my $i (0 .. $#l) {
        croak "$fn: sequence_length: expected values in [0, $T] (the sequence length T), got $l[$i] at index $i"
            if $l[$i] < 0 || $l[$i] > $T;
    }
    return "$t" eq 'longlong' ? $p : $p->convert(PDL::longlong());
}

sub rnn_param_size {
    my @args = @_;
    return _core('AI::FusedRNN::rnn_param_size', sub { _rnn_param_size_impl(@args) });
}

sub _rnn_param_size_impl {
    my $fn = 'AI::FusedRNN::rnn_param_size';
    my $a = _named($fn, { map { $_ => 1 } qw(input_size state_size num_layers mode
                          bidirectional projection_size) }, @_);
    croak "$fn: input_size is required" unless defined $a->{input_size};
    my $I = _int($fn, 'input_size', $a->{input_size}, 1);
    return AI::FusedRNN::Desc->new(%{ _common_config($fn, $a, $I) })->param_count;
}

sub dropout_keep {
    my @args = @_;
    return _core('AI::FusedRNN::dropout_keep', sub { _dropout_keep_impl(@args) });
}

sub _dropout_keep_impl {
    my $fn = 'AI::FusedRNN::dropout_keep';
    my $a = _named($fn, { map { $_ => 1 } qw(seed layer index p) }, @_);
    for (qw(layer index p)) { croak "$fn: $_ is required" unless defined $a->{$_} }
    return _dropout_keep(_seed($fn, defined $a->{seed} ? $a->{seed} : 0),
                         _int($fn, 'layer', $a->{layer}, 0),
                         _int($fn, 'index', $a->{index}, 0),
                         _num($fn, 'p', $a->{p}));
}

sub derive_seed {
    my @args = @_;
    return _core('AI::FusedRNN::derive_seed', sub {
        my $fn = 'AI::FusedRNN::derive_seed';
        croak "$fn: expected (seed, index), got " . scalar(@args) . ' argument(s)' if @args != 2;
        my $s = _seed($fn, $args[0]);
        my $i = $args[1];
        $i = "$i" if blessed($i) && $i->isa('Math::BigInt');
        croak "$fn: index: expected an integer in [0, 2**64-1], got " . _describe($i)
            if !defined $i || ref $i || !($i =~ /\A\+?\d+\z/ || (looks_like_number($i) && $i >= 0
                && $i == int($i) && $i < 1.8446744073709552e19));
        return _derive_seed($s, $i =~ /\A\+?\d+\z/ ? $i : sprintf('%.0f', $i));
    });
}

# C shape (array ref) -> element count, checked.
sub _shape_count {
    my ($fn, $name, $shape) = @_;
    croak "$fn: $name: expected an array ref of sizes (C order), got " . _describe($shape)
        unless ref $shape eq 'ARRAY';
    my $n = 1;
    for my $d (@$shape) {
        _int($fn, "$name element", $d, 0);
        $n *= $d;
    }
    croak "$fn: $name: " . _dims_str(@$shape) . ' has too many elements' if $n > 2**40;
    return $n;
}

sub dropout_mask {
    my @args = @_;
    return _core('AI::FusedRNN::dropout_mask', sub { _dropout_mask_impl(@args) });
}

sub _dropout_mask_impl {
    my $fn = 'AI::FusedRNN::dropout_mask';
    my $a = _named($fn, { map { $_ => 1 } qw(seed stream shape count offset p) }, @_);
    croak "$fn: p is required" unless defined $a->{p};
    croak "$fn: give exactly one of shape and count" if defined($a->{shape}) == defined($a->{count});
    my $n = defined $a->{shape} ? _shape_count($fn, 'shape', $a->{shape})
                                : _int($fn, 'count', $a->{count}, 0, 2**40);
    my $bytes = _dropout_mask(_seed($fn, defined $a->{seed} ? $a->{seed} : 0),
                              _int($fn, 'stream', defined $a->{stream} ? $a->{stream} : 0, 0, 4294967295),
                              _int($fn, 'offset', defined $a->{offset} ? $a->{offset} : 0, 0),
                              $n, _num($fn, 'p', $a->{p}));
    my @dims = defined $a->{shape} ? reverse(@{ $a->{shape} }) : ($n);
    @dims = (1) unless @dims;    # a 0-d shape: one element
    my $m = PDL::Core::zeros(PDL::byte(), @dims);
    ${ $m->get_dataref } = $bytes if $n;
    $m->upd_data;
    return $m;
}

my %CELL_TYPE = (rnn => 0, lstm => 1, gru => 2);
my %CELL_GATES = (rnn => 1, lstm => 4, gru => 3);
our %ACTIVATION = (tanh => 0, relu => 1, sigmoid => 2, softsign => 3, softrelu => 4);

sub cell_step {
    my @args = @_;
    return _core('AI::FusedRNN::cell_step', sub { _cell_step_impl(@args) });
}

sub _cell_step_impl {
    my $fn = 'AI::FusedRNN::cell_step';
    my $a = _named($fn, { map { $_ => 1 } qw(cell x h c i2h_weight h2h_weight i2h_bias h2h_bias
                          activation recurrent_activation) }, @_);
    for (qw(cell x i2h_weight h2h_weight i2h_bias h2h_bias)) {
        croak "$fn: $_ is required" unless defined $a->{$_};
    }
    my $cell = _enum($fn, 'cell', $a->{cell}, \%CELL_TYPE);
    my $act = _enum($fn, 'activation', defined $a->{activation} ? $a->{activation} : 'tanh', \%ACTIVATION);
    my $ract = _enum($fn, 'recurrent_activation',
                     defined $a->{recurrent_activation} ? $a->{recurrent_activation} : 'sigmoid', \%ACTIVATION);
    my $x = _float_input($fn, 'x', $a->{x}, undef);
    my $dt = "" . $x->type;
    croak "$fn: x: expected a 2-dimensional PDL with dims (I, N), got " . _describe($x)
        if $x->ndims != 2 || grep { $_ < 1 } $x->dims;
    my ($I, $N) = $x->dims;
    my $G = $CELL_GATES{$cell};
    my $wh = _float_input($fn, 'h2h_weight', $a->{h2h_weight}, $dt);
    croak "$fn: h2h_weight: expected a PDL with dims (H, $G*H), got " . _describe($wh)
        if $wh->ndims != 2 || $wh->dim(0) < 1 || $wh->dim(1) != $G * $wh->dim(0);
    my $H = $wh->dim(0);
    my $wi = _float_input($fn, 'i2h_weight', $a->{i2h_weight}, $dt);
    _check_dims($fn, 'i2h_weight', $wi, '(I, G*H)', $I, $G * $H);
    my $bi = _float_input($fn, 'i2h_bias', $a->{i2h_bias}, $dt);
    _check_dims($fn, 'i2h_bias', $bi, '(G*H)', $G * $H);
    my $bh = _float_input($fn, 'h2h_bias', $a->{h2h_bias}, $dt);
    _check_dims($fn, 'h2h_bias', $bh, '(G*H)', $G * $H);
    my ($h, $c);
    if (defined $a->{h}) {
        $h = _float_input($fn, 'h', $a->{h}, $dt);
        _check_dims($fn, 'h', $h, '(H, N)', $H, $N);
    }
    if (defined $a->{c}) {
        croak "$fn: c: only the lstm cell has a cell state, got cell '$cell'" if $cell ne 'lstm';
        $c = _float_input($fn, 'c', $a->{c}, $dt);
        _check_dims($fn, 'c', $c, '(H, N)', $H, $N);
    }
    my @refs;
    for my $p ($x, $h, $c, $wi, $wh, $bi, $bh) {
        if (defined $p) { my ($r) = _dataref($p); push @refs, $$r } else { push @refs, undef }
    }
    my @out = _cell_step($CELL_TYPE{$cell}, $DTYPE_CODE{$dt}, $ACTIVATION{$act}, $ACTIVATION{$ract},
                         $N, $I, $H, @refs);
    my @pdls;
    for my $bytes (@out) {
        my $p = PDL::Core::zeros($x->type, $H, $N);
        ${ $p->get_dataref } = $bytes;
        $p->upd_data;
        push @pdls, $p;
    }
    return wantarray ? @pdls : $pdls[0];
}

# ---- parameter packing ----------------------------------------------------------
my %PARAM_ARGS = map { $_ => 1 } qw(input_size state_size num_layers mode bidirectional
                                    projection_size);

# [name, offset, [PDL dims]] for every piece of the flat vector, in order.
sub _param_layout {
    my ($cfg) = @_;
    my ($I, $H, $L, $P) = @$cfg{qw(input_size hidden_size num_layers projection_size)};
    my $G = $GATES{ $cfg->{mode} };
    my $D = $cfg->{bidirectional} ? 2 : 1;
    my $R = $P || $H;
    my @w;
    my @b;
    for my $l (0 .. $L - 1) {
        my $in = $l == 0 ? $I : $R * $D;
        for my $d (($D == 2) ? qw(l r) : qw(l)) {
            push @w, ["$d${l}_i2h_weight", [$in, $G * $H]];
            push @w, ["$d${l}_h2h_weight", [$R, $G * $H]];
            push @w, ["$d${l}_h2r_weight", [$H, $P]] if $P;
            push @b, ["$d${l}_i2h_bias", [$G * $H]];
            push @b, ["$d${l}_h2h_bias", [$G * $H]];
        }
    }
    my $off = 0;
    for my $e (@w, @b) {
        my $n = 1;
        $n *= $_ for @{ $e->[1] };
        splice @$e, 1, 0, $off;
        $off += $n;
    }
    return (\@w, \@b, $off);
}

sub _param_cfg {
    my ($fn, $a) = @_;
    croak "$fn: input_size is required" unless defined $a->{input_size};
    my $cfg = _common_config($fn, $a, _int($fn, 'input_size', $a->{input_size}, 1));
    my $count = AI::FusedRNN::Desc->new(%$cfg)->param_count;    # validates
    my ($w, $b, $total) = _param_layout($cfg);
    die "AI::FusedRNN internal error: parameter layout $total != core count $count\n"
        if $total != $count;
    return ($cfg, [@$w, @$b], $count);
}

sub param_names {
    my @args = @_;
    return _core('AI::FusedRNN::param_names', sub { _param_names_impl(@args) });
}

sub _param_names_impl {
    my $fn = 'AI::FusedRNN::param_names';
    my (undef, $pieces) = _param_cfg($fn, _named($fn, \%PARAM_ARGS, @_));
    return map { $_->[0] } @$pieces;
}

sub unpack_params {
    my @args = @_;
    return _core('AI::FusedRNN::unpack_params', sub { _unpack_params_impl(@args) });
}

sub _unpack_params_impl {
    my $fn = 'AI::FusedRNN::unpack_params';
    croak "$fn: expected the flat parameter PDL then key => value options" unless @_;
    my $flat = shift;
    my $a = _named($fn, { %PARAM_ARGS, dtype => 1 }, @_);
    my ($cfg, $pieces, $count) = _param_cfg($fn, $a);
    my $p = _float_input($fn, 'parameters', $flat, _dtype_name($fn, 'dtype', $a->{dtype}));
    _check_dims($fn, 'parameters', $p, '(the flat parameter vector)', $count);
    my %out;
    for my $e (@$pieces) {
        my ($name, $off, $dims) = @$e;
        my $n = 1;
        $n *= $_ for @$dims;
        $out{$name} = $p->slice($off . ':' . ($off + $n - 1))->copy->reshape(@$dims);
    }
    return \%out;
}

sub pack_params {
    my @args = @_;
    return _core('AI::FusedRNN::pack_params', sub { _pack_params_impl(@args) });
}

sub _pack_params_impl {
    my $fn = 'AI::FusedRNN::pack_params';
    croak "$fn: expected a hash ref of parameters then key => value options" unless @_;
    my $h = shift;
    croak "$fn: expected a hash ref of parameters, got " . _describe($h)
        unless ref $h && reftype($h) eq 'HASH' && !_is_pdl($h);
    my $a = _named($fn, { %PARAM_ARGS, dtype => 1 }, @_);
    my ($cfg, $pieces, $count) = _param_cfg($fn, $a);
    my %known = map { $_->[0] => 1 } @$pieces;
    for my $k (sort keys %$h) {
        croak "$fn: unknown parameter '$k' for this configuration" unless $known{$k};
    }
    my $dt = _dtype_name($fn, 'dtype', $a->{dtype});
    unless (defined $dt) {    # float when every piece is a float PDL, else double
        $dt = 'float';
        for my $e (@$pieces) {
            my $v = $h->{ $e->[0] };
            $dt = 'double' unless _is_pdl($v) && !$v->isnull && $v->type == PDL::float();
        }
    }
    my $flat = PDL::Core::zeros(_pdl_type($dt), $count);
    for my $e (@$pieces) {
        my ($name, $off, $dims) = @$e;
        croak "$fn: missing parameter '$name'" unless exists $h->{$name};
        my $v = $h->{$name};
        if (_is_pdl($v) && !$v->isnull) {    # any real PDL type, converted
            croak "$fn: $name: expected a real-valued PDL, got type " . $v->type
                if "" . $v->type =~ /^c/;
            $v = $v->convert(_pdl_type($dt)) if "" . $v->type ne $dt;
        } else {
            $v = _float_input($fn, $name, $v, $dt);
        }
        _check_dims($fn, $name, $v, '', @$dims);
        my $n = $v->nelem;
        my $s = $flat->slice($off . ':' . ($off + $n - 1));
        $s .= $v->flat;
    }
    return $flat;
}

# ---- the error class of the C core ---------------------------------------------
package AI::FusedRNN::Error;
use overload '""' => sub { $_[0]{message} . "\n" }, 'bool' => sub { 1 }, fallback => 1;
sub status  { $_[0]{status} }
sub message { $_[0]{message} }
sub throw {
    my ($class, %a) = @_;
    die bless { status => $a{status}, message => $a{message}, where => $a{where} }, $class;
}

1;

__END__

=head1 NAME

AI::FusedRNN - the fused RNN operator (RNN/LSTM/GRU, MXNet semantics) for PDL

=head1 SYNOPSIS

  use PDL;
  use AI::FusedRNN qw(rnn rnn_param_size pack_params unpack_params);

  # NumPy shape (T, N, I) = (5, 3, 4) is the PDL with dims (4, 3, 5)
  my $x = random(double, 4, 3, 5);
  my $n = rnn_param_size(input_size => 4, state_size => 6, num_layers => 2,
                         mode => 'lstm', bidirectional => 1);
  my $w = random(double, $n);

  my $out = rnn(data => $x, parameters => $w, state_size => 6, num_layers => 2,
                mode => 'lstm', bidirectional => 1);
  # $out has dims (12, 3, 5): C shape (T, N, D*H)

  my ($o, $hy, $cy) = rnn(data => $x, parameters => $w, state_size => 6,
                          num_layers => 2, mode => 'lstm', bidirectional => 1,
                          state_outputs => 1);

=head1 DESCRIPTION

A binding of the fusedrnn C core. The core is compiled into this module from
the same sources and with the same flags as the Python package, so both give
bitwise-identical results for the same inputs.

=head2 Dimensions

PDL lists dims fastest-varying first, the reverse of C/NumPy shapes, over the
same memory. A C shape C<(T, N, I)> is the PDL C<< zeros(I, N, T) >>. So:

  argument          C shape          PDL dims
  data (TNC)        (T, N, I)        (I, N, T)
  data (NTC)        (N, T, I)        (I, T, N)
  parameters        (count)          (count)
  state / hy        (L*D, N, R)      (R, N, L*D)
  state_cell / cy   (L*D, N, H)      (H, N, L*D)
  sequence_length   (N)              (N)
  output (TNC)      (T, N, D*R)      (D*R, N, T)

D is 2 when bidirectional, R is projection_size when set, else state_size.

=head1 FUNCTIONS

=head2 rnn(%args)

Runs the operator. Named arguments:

=over 4

=item data (required)

float or double PDL, or nested array ref (converted to double, or to the
C<dtype> option). Its type is the dtype of the call; every other float input
must have the same type.

=item parameters (required)

The flat parameter vector (1-D PDL) in MXNet's layout; see C<pack_params>.

=item state, state_cell

Initial h state and (lstm only) c state. undef (the default) means zeros.

=item sequence_length

Per-sequence lengths (dims (N)), required exactly when
C<use_sequence_length> is true. Any integer PDL type, or a floating PDL
holding whole numbers; converted to int64.

=item state_size, num_layers, mode (required)

H, L and one of C<rnn_relu>, C<rnn_tanh>, C<lstm>, C<gru>.

=item bidirectional, p, state_outputs, projection_size, lstm_state_clip_min, lstm_state_clip_max, lstm_state_clip_nan, use_sequence_length, layout, training, seed

As in MXNet's operator. C<layout> is C<TNC> (default) or C<NTC>.
C<p> (dropout between layers) acts only with C<< training => 1 >>; the mask
is a pure function of C<seed> (0 .. 2**64-1, also as a decimal string), the
layer and the element position. The clip bounds are given together or not
at all. Booleans are 0/1 (or '' and JSON booleans); undef means the default.

=item dtype

C<float32>/C<float> or C<float64>/C<double>: the type nested array refs are
converted to; with a PDL C<data> it must agree with its type.

=item max_threads

0 (default, automatic) or a thread limit for the core; results do not depend
on it.

=back

Returns the output PDL. With C<< state_outputs => 1 >> it returns the list
C<($output, $hy)>, or C<($output, $hy, $cy)> for lstm; in scalar context only
the output. Unknown argument names are errors.

=head2 rnn_param_size(input_size => I, state_size => H, num_layers => L, mode => M, bidirectional => 0|1, projection_size => P)

Length of the flat parameter vector.

=head2 param_names(%same_options_as_rnn_param_size)

The names of the pieces of the flat vector, in storage order.

=head2 unpack_params($flat, %options)

Splits the flat vector into a hash ref of copies keyed
C<< {l|r}{layer}_{i2h|h2h|h2r}_{weight|bias} >> (l = forward direction,
r = reverse; C<h2r> only with a projection, which has no bias). A weight of
C shape C<(G*H, in)> has PDL dims C<(in, G*H)>; biases have dims C<(G*H)>.
Options as for C<rnn_param_size>, plus C<dtype>.

=head2 pack_params(\%pieces, %options)

The inverse: every piece must be present with the exact dims, no extra keys.
The result is float when every piece is a float PDL, else double (or the
C<dtype> option); pieces of other real types are converted.

=head2 dropout_keep(seed => S, layer => l, index => i, p => p)

1 when the forward pass keeps the element at logical index C<i> (row-major
over C<(T, N, D*R)>) of layer C<l>'s output, else 0.

=head2 derive_seed($seed, $index)

The core's C<fusedrnn_derive_seed>: the C<$index>-th seed of a training run
keyed by C<$seed> (both 0 .. 2**64-1). L<AI::FusedRNN::Gluon/train_mode>
uses it exactly as the Python package does.

=head2 dropout_mask(seed => S, stream => k, shape => [C shape] | count => n, offset => 0, p => p)

The core's C<fusedrnn_dropout_mask>: a byte PDL of 0 (dropped) / 1 (kept),
dims the reverse of C<shape> (or C<(n)>); element i in C order is
C<dropout_keep> of stream C<k> at index C<offset + i>.

=head2 cell_step(cell => 'rnn'|'lstm'|'gru', x =>, h =>, c =>, i2h_weight =>, h2h_weight =>, i2h_bias =>, h2h_bias =>, activation => 'tanh', recurrent_activation => 'sigmoid')

One step of one Gluon cell (C<fusedrnn_cell_step>). PDL dims: C<x> (I, N),
C<h> and C<c> (H, N; undef = zeros; C<c> for lstm only), C<i2h_weight>
(I, G*H), C<h2h_weight> (H, G*H), biases (G*H); one float type for all.
Returns the new h, and for lstm C<($h, $c)>. Activations: C<tanh>,
C<relu>, C<sigmoid>, C<softsign>, C<softrelu>.

=head2 version, version_string, header_version, status_message($status)

The loaded core's version (MAJOR*10000+MINOR*100+PATCH), its string, the
version of the header the module was built against, and the core's sentence
for a status code.

=head1 AI::FusedRNN::Desc

The C descriptor as an object (freed when it goes out of scope).

  my $d = AI::FusedRNN::Desc->new(mode => 'gru', hidden_size => 6,
                                  input_size => 4, num_layers => 2,
                                  bidirectional => 1, dtype => 'float64');
  $d->param_count;             # 1152
  $d->output_shape($T, $N);    # [T, N, D*R]  (C order)
  $d->state_shape($N);         # [L*D, N, R]
  $d->cell_state_shape($N);    # lstm only
  $d->workspace_size($T, $N, $training);
  $d->reserve_size($T, $N);
  $d->config;                  # hash ref of the fusedrnn_config fields

C<new> takes the C<fusedrnn_config> field names: mode, hidden_size,
num_layers, input_size, bidirectional, projection_size, dropout, use_clip,
clip_min, clip_max, clip_nan, dtype, layout, use_sequence_length, backend
(C<cpu> or C<cuda>).

C<< $d->forward_raw($T, $N, $x, $params, $hx, $cx, $lengths, $y, $hy, $cy,
$training, $seed, $max_threads) >> is the raw call: the array arguments are
byte strings of exactly the right sizes (native floats of the descriptor's
dtype; lengths as native int64), C<$y>/C<$hy>/C<$cy> are overwritten in
place, optional ones may be undef. C<rnn> is built on it.

=head1 ERRORS

Bad arguments croak with a message naming the argument, what was expected
and what was received. Errors reported by the C core are thrown as
C<AI::FusedRNN::Error> objects (methods C<status>, C<message>; they
stringify to the message, which contains the core's own sentence).

=head1 SEE ALSO

docs/perl.md and docs/c-api.md in the fusedrnn repository.

=cut
