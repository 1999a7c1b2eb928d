package AI::FusedRNN::Gluon::Initializer;

# Parameter initializers, usable as objects or by registered name: the
# Perl side of the Python package's fusedrnn.gluon.initializer (same
# classes, names, arguments, defaults, string forms and dumps), drawing
# from PDL's generator.

use strict;
use warnings;
use Carp qw(croak);
use Scalar::Util qw(blessed looks_like_number);
use PDL::Lite ();
use PDL::Core ();
use PDL::Primitive ();

our $VERSION = '0.01';

use overload
    '&{}' => sub { my $s = shift; sub { $s->call(@_) } },
    '""'  => sub { $_[0]->repr },
    'bool' => sub { 1 },
    '=='  => sub { $_[0]->equals($_[1]) },
    'eq'  => sub { $_[0]->equals($_[1]) },
    '!='  => sub { !$_[0]->equals($_[1]) },
    'ne'  => sub { !$_[0]->equals($_[1]) },
    fallback => 1;

our %REGISTRY;    # lower-cased name => class

my @BUILTIN = qw(Zero One Constant Uniform Normal Xavier MSRAPrelu LSTMBias);

sub _d { my ($v) = @_; return defined $v && !ref $v ? "'$v'" : _describe($v) }

sub _describe {
    my ($v) = @_;
    return 'undef' unless defined $v;
    my $b = blessed $v;
    return "an object of class $b" if $b && !$b->isa('PDL');
    return sprintf('a %s PDL with dims (%s)', $v->type, join(',', $v->dims)) if $b;
    return ref $v ? 'a ' . ref($v) . ' reference' : "'$v'";
}

sub _short { my $c = ref $_[0] || $_[0]; $c =~ s/.*:://; return $c }

# ---- registry and create -------------------------------------------------------------------

# register($class, @aliases): make $class creatable by its lower-cased last
# name component (and by each alias).
sub register {
    shift if @_ > 1 && defined $_[0] && !ref $_[0] && $_[0] eq __PACKAGE__;
    my ($class, @aliases) = @_;
    croak 'register: only subclasses of ' . __PACKAGE__ . ' can be registered, got ' . _d($class)
        if !defined $class || ref $class || !$class->isa(__PACKAGE__) || $class eq __PACKAGE__;
    for my $n (lc _short($class), @aliases) {
        croak 'register: names must be non-empty strings, got ' . _d($n) if !defined $n || ref $n || $n !~ /\S/;
        $REGISTRY{ lc $n } = $class;
    }
    return $class;
}

# The registered names, sorted.
sub names { return sort keys %REGISTRY }

sub _lookup {
    my ($name) = @_;
    my $class = $REGISTRY{ lc $name };
    croak "unknown initializer '$name'; registered names: " . join(', ', names())
        . " (or [name, arguments...], a JSON string such as '[\"uniform\", {\"scale\": 0.1}]',"
        . ' an initializer object or a code ref)' unless $class;
    return $class;
}

# create($spec): an initializer object from an object, a registered name, a
# JSON dump, [name, arguments...], [name, {kwargs}] or a class name. A code
# ref is returned as it is.
sub create {
    shift if @_ == 2 && defined $_[0] && !ref $_[0] && $_[0] eq __PACKAGE__;
    my ($spec) = @_;
    return $spec if ref $spec eq 'CODE';
    return $spec if blessed $spec && $spec->isa(__PACKAGE__);
    if (ref $spec eq 'ARRAY') {
        my ($name, @args) = @$spec;
        croak 'unknown initializer ' . _describe($spec) . ': an array ref must start with a registered name'
            if !defined $name || ref $name;
        return _lookup(_trim($name))->new(@args);
    }
    croak 'unknown initializer ' . _describe($spec) . '; registered names: ' . join(', ', names())
        if !defined $spec || ref $spec;
    my $text = _trim($spec);
    return _from_json($text) if substr($text, 0, 1) eq '[';
    return $text->new if $text =~ /::/ && $text->isa(__PACKAGE__) && $text ne __PACKAGE__;
    return _lookup($text)->new;
}

sub check { create($_[0]); return 1 }

sub _trim { my ($s) = @_; $s =~ s/^\s+|\s+\z//g; return $s }

sub _from_json {
    my ($text) = @_;
    require JSON::PP;
    my $v = eval { JSON::PP->new->allow_nonref->decode($text) };
    croak "initializer: cannot parse JSON " . _d($text) . ": " . ($@ =~ s/ at \S+ line \d+.*//sr) unless defined $v;
    croak "initializer: a JSON spec must be [name, {arguments}] (what dumps() writes), got " . _d($text)
        unless ref $v eq 'ARRAY' && @$v == 2 && defined $v->[0] && !ref $v->[0] && ref $v->[1] eq 'HASH';
    my %kw = %{ $v->[1] };
    for (values %kw) { $_ = $_ ? 1 : 0 if blessed $_ && $_->isa('JSON::PP::Boolean') }
    return _lookup($v->[0])->new(\%kw);
}

# ---- the base class ------------------------------------------------------------------------

# The constructor arguments, in Python's positional order: [name, default]
# pairs ([name] alone: required). undef: any key => value pairs.
sub _params { return undef }

# new(positional..., key => value...) or new({key => value})
sub new {
    my ($class, @args) = @_;
    croak 'AI::FusedRNN::Gluon::Initializer is a base class: create a subclass (or use create())'
        if $class eq __PACKAGE__;
    my $short = _short($class);
    my $spec = $class->_params;
    my $named = @args == 1 && ref $args[0] eq 'HASH';
    @args = map { ($_ => $args[0]{$_}) } sort keys %{ $args[0] } if $named;
    my @kw;
    if (!defined $spec) {
        croak "$short: arguments must be key => value pairs" if @args % 2;
        while (@args) {
            my ($k, $v) = splice @args, 0, 2;
            croak "$short: argument names must be strings, got " . _describe($k) if !defined $k || ref $k;
            push @kw, [$k, $v];
        }
    } else {
        my @order = map { $_->[0] } @$spec;
        my %known = map { $_ => 1 } @order;
        my $i = 0;
        $i++ while !$named && $i < @args
            && !((@args - $i) % 2 == 0 && defined $args[$i] && !ref $args[$i] && $known{ $args[$i] });
        croak "$short: too many positional arguments ($i, at most " . scalar(@order) . ')'
            . ' (an unknown argument name given as name => value lands here too)' if $i > @order;
        my (%v, %given);
        for (0 .. $i - 1) { $v{ $order[$_] } = $args[$_]; $given{ $order[$_] } = 1 }
        my @rest = @args[$i .. $#args];
        while (@rest) {
            my ($k, $val) = splice @rest, 0, 2;
            croak "$short: argument names must be strings, got " . _describe($k) if !defined $k || ref $k;
            croak "$short: unknown argument '$k' (known: " . (join(', ', @order) || 'none') . ')' unless $known{$k};
            croak "$short: argument '$k' given both by position and by name" if $given{$k};
            $v{$k} = $val;
            $given{$k} = 1;
        }
        for my $s (@$spec) {
            my ($k, @default) = @$s;
            my $val = $v{$k};
            unless (defined $val) {
                croak "$short: argument '$k' is required" unless @default;
                $val = $default[0];
            }
            push @kw, [$k, $val];
        }
    }
    my $self = bless { _kwargs => \@kw, _verbose => 0 }, $class;
    $self->_setup({ map { $_->[0] => $_->[1] } @kw });
    return $self;
}

# Validates the arguments and sets the fields the fill uses.
sub _setup { }

sub _number {
    my ($self, $k, $v, $min) = @_;
    croak _short($self) . ": $k must be a number, got " . _describe($v)
        if !defined $v || ref $v || !looks_like_number($v) || $v != $v || abs($v) == 9**9**9;
    croak _short($self) . ": $k must be >= $min, got $v" if defined $min && $v < $min;
    return 0 + $v;
}

sub _choice {
    my ($self, $k, $v, @ok) = @_;
    croak _short($self) . ": $k must be " . join(' or ', map {"'$_'"} @ok) . ', got ' . _describe($v)
        if !defined $v || ref $v || !grep { $v eq $_ } @ok;
    return $v;
}

sub name { return lc _short($_[0]) }

# The arguments as a hash ref (Python's _kwargs).
sub kwargs { return { map { $_->[0] => $_->[1] } @{ $_[0]{_kwargs} } } }

sub set_verbosity { my ($self, $v) = @_; $self->{_verbose} = $v ? 1 : 0; return $self }

# Python's json.dumps([name, kwargs]) (same separators and key order).
sub dumps {
    my ($self) = @_;
    return '[' . _json($self->name) . ', {'
        . join(', ', map { _json($_->[0]) . ': ' . _json($_->[1]) } @{ $self->{_kwargs} }) . '}]';
}

sub repr {
    my ($self) = @_;
    return _short($self) . '(' . join(', ', map { "$_->[0]=" . _py($_->[1]) } @{ $self->{_kwargs} }) . ')';
}

# Same class and the same arguments (numbers compared as numbers).
sub equals {
    my ($self, $other) = @_;
    return 0 unless blessed $other && ref $other eq ref $self;
    my ($a, $b) = ($self->{_kwargs}, $other->{_kwargs});
    return 0 unless @$a == @$b;
    my %b = map { $_->[0] => $_->[1] } @$b;
    for (@$a) { return 0 unless exists $b{ $_->[0] } && _canon($_->[1]) eq _canon($b{ $_->[0] }) }
    return 1;
}

sub _canon {
    my ($v) = @_;
    return 'null' unless defined $v;
    return '[' . join(',', map { _canon($_) } @$v) . ']' if ref $v eq 'ARRAY';
    return '{' . join(',', map { "$_:" . _canon($v->{$_}) } sort keys %$v) . '}' if ref $v eq 'HASH';
    return 'n' . (0 + $v) if !ref $v && looks_like_number($v);
    return "s$v";
}

my %ESC = ('"' => '\\"', '\\' => '\\\\', "\n" => '\\n', "\r" => '\\r', "\t" => '\\t', "\b" => '\\b', "\f" => '\\f');

sub _json {
    my ($v) = @_;
    return 'null' unless defined $v;
    return '[' . join(', ', map { _json($_) } @$v) . ']' if ref $v eq 'ARRAY';
    return '{' . join(', ', map { _json($_) . ': ' . _json($v->{$_}) } sort keys %$v) . '}' if ref $v eq 'HASH';
    return _json(_unpdl($v)) if blessed $v && $v->isa('PDL');
    if (!ref $v && looks_like_number($v)) {
        return $v if $v =~ /\A-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?\z/;
        return $v != $v ? 'NaN' : $v > 0 ? 'Infinity' : '-Infinity' if $v != $v || abs($v) == 9**9**9;
        return 0 + $v;
    }
    (my $s = "$v") =~ s/(["\\\n\r\t\b\f]|[\x00-\x1f])/$ESC{$1} || sprintf('\\u%04x', ord $1)/ge;
    return qq("$s");
}

sub _py {
    my ($v) = @_;
    return 'None' unless defined $v;
    return '[' . join(', ', map { _py($_) } @$v) . ']' if ref $v eq 'ARRAY';
    return _json($v) if ref $v || looks_like_number($v);
    (my $s = "$v") =~ s/(['\\])/\\$1/g;
    return "'$s'";
}

sub _unpdl { my ($p) = @_; return $p->ndims ? $p->unpdl : $p->sclr }

# ---- filling --------------------------------------------------------------------------------

# $init->call($name, $pdl, $own) (also $init->($name, $pdl, $own)): Python's
# __call__. With $own (a parameter's own initializer spec) that one fills the
# array; otherwise the name's ending decides: weight (this initializer),
# bias (0), gamma (1), beta (0).
sub call {
    my ($self, $name, $p, $own) = @_;
    croak _short($self) . ': expected (name, PDL), got ' . _describe($p) unless blessed $p && $p->isa('PDL');
    $name = '' unless defined $name;
    if (defined $own) { fill($own, $p, $name) }
    elsif ($name =~ /weight\z/) { $self->_init_weight($name, $p) }
    elsif ($name =~ /bias\z/)   { $self->_init_bias($name, $p) }
    elsif ($name =~ /gamma\z/)  { $p .= 1 }
    elsif ($name =~ /beta\z/)   { $p .= 0 }
    else { $self->_init_default($name, $p) }
    return $p;
}

# fill($spec, $pdl, $name): what a Parameter does with its initializer (Python's
# desc.attrs['__init__']): the initializer's weight rule, whatever the name.
# A code ref is called with ($pdl, $name).
sub fill {
    my ($spec, $p, $name) = @_;
    $name = '' unless defined $name;
    if (ref $spec eq 'CODE') { $spec->($p, $name); return $p }
    create($spec)->_init_weight($name, $p);
    return $p;
}

sub _init_weight { croak _short($_[0]) . ' does not initialise weights' }
sub _init_bias { $_[2] .= 0 }
sub _init_default {
    croak "cannot tell how to initialise parameter '$_[1]'; give it an initializer or use a name ending in "
        . "'weight' or 'bias'";
}

sub _cshape_str { my @s = reverse $_[0]->dims; return @s == 1 ? "($s[0],)" : '(' . join(', ', @s) . ')' }

# ---- the initializers ------------------------------------------------------------------------

package AI::FusedRNN::Gluon::Initializer::Zero;
our @ISA = ('AI::FusedRNN::Gluon::Initializer');
sub _params { [] }
sub _init_weight { $_[2] .= 0 }

package AI::FusedRNN::Gluon::Initializer::One;
our @ISA = ('AI::FusedRNN::Gluon::Initializer');
sub _params { [] }
sub _init_weight { $_[2] .= 1 }

package AI::FusedRNN::Gluon::Initializer::Constant;
our @ISA = ('AI::FusedRNN::Gluon::Initializer');
use Carp qw(croak);
use Scalar::Util qw(blessed);
sub _params { [['value']] }

sub _setup {
    my ($self, $a) = @_;
    my $v = $a->{value};
    if (blessed $v && $v->isa('PDL')) {
        $self->{_kwargs}[0][1] = AI::FusedRNN::Gluon::Initializer::_unpdl($v);    # as Python's tolist()
        $self->{value} = PDL::Core::pdl(PDL::double(), $v);
    } elsif (ref $v eq 'ARRAY') {
        my $p = _bad($v) ? undef : eval { PDL::Core::pdl(PDL::double(), $v) };
        croak 'Constant: value must be a number, a (nested) array ref of numbers or a PDL, got ' . _describe($v)
            unless defined $p;
        $self->{value} = $p;
    } else {
        $self->{value} = PDL::Core::pdl(PDL::double(), $self->_number('value', $v));
    }
}

sub _describe { AI::FusedRNN::Gluon::Initializer::_describe(@_) }

sub _bad {
    my ($v) = @_;
    return scalar grep { ref $_ eq 'ARRAY' ? _bad($_) : (!defined $_ || ref $_ || !Scalar::Util::looks_like_number($_)) } @$v;
}

# NumPy's broadcasting rule (C shapes aligned at the end = PDL dims aligned at the start).
sub _init_weight {
    my ($self, $name, $p) = @_;
    my $v = $self->{value};
    my @vd = $v->dims;
    my @td = $p->dims;
    pop @vd while @vd > @td && $vd[-1] == 1;
    croak "Constant: a value of shape " . AI::FusedRNN::Gluon::Initializer::_cshape_str($v)
        . " cannot be broadcast to parameter '$name' of shape " . AI::FusedRNN::Gluon::Initializer::_cshape_str($p)
        if @vd > @td || grep { $vd[$_] != 1 && $vd[$_] != $td[$_] } 0 .. $#vd;
    $v = $v->reshape(@vd ? @vd : (1)) if @vd != $v->ndims;
    $p .= $v;
}

package AI::FusedRNN::Gluon::Initializer::Uniform;
our @ISA = ('AI::FusedRNN::Gluon::Initializer');
sub _params { [[scale => 0.07]] }
sub _setup { $_[0]{scale} = $_[0]->_number('scale', $_[1]{scale}) }
sub _init_weight {
    my ($self, $name, $p) = @_;
    $p .= (PDL::Primitive::random($p->type, $p->dims) * 2 - 1) * $self->{scale};
}

package AI::FusedRNN::Gluon::Initializer::Normal;
our @ISA = ('AI::FusedRNN::Gluon::Initializer');
sub _params { [[sigma => 0.01]] }
sub _setup { $_[0]{sigma} = $_[0]->_number('sigma', $_[1]{sigma}, 0) }
sub _init_weight {
    my ($self, $name, $p) = @_;
    $p .= PDL::Primitive::grandom($p->type, $p->dims) * $self->{sigma};
}

package AI::FusedRNN::Gluon::Initializer::Xavier;
our @ISA = ('AI::FusedRNN::Gluon::Initializer');
use Carp qw(croak);
sub _params { [[rnd_type => 'uniform'], [factor_type => 'avg'], [magnitude => 3]] }

sub _setup {
    my ($self, $a) = @_;
    $self->{rnd_type} = $self->_choice('rnd_type', $a->{rnd_type}, qw(uniform gaussian));
    $self->{factor_type} = $self->_choice('factor_type', $a->{factor_type}, qw(avg in out));
    $self->{magnitude} = $self->_number('magnitude', $a->{magnitude}, 0);
}

# (fan_in, fan_out) of a C shape (out, in, k1, k2, ...): in*k1*k2*... and out*k1*k2*...
sub fans {
    my ($self, $shape) = @_;
    croak 'Xavier: fans needs a C shape (array ref)' unless ref $shape eq 'ARRAY';
    croak 'Xavier needs an array of at least 2 dimensions; got shape ' . AI::FusedRNN::Gluon::Initializer::_py($shape)
        if @$shape < 2;
    my $receptive = 1;
    $receptive *= $_ for @$shape[2 .. $#$shape];
    return ($shape->[1] * $receptive, $shape->[0] * $receptive);
}

# The draws' spread s for a C shape: sqrt(magnitude / fan) (uniform on [-s, s), or sd s).
sub spread {
    my ($self, $shape) = @_;
    my ($in, $out) = $self->fans($shape);
    my $fan = { avg => ($in + $out) / 2, in => $in, out => $out }->{ $self->{factor_type} };
    croak 'Xavier: the fan of shape ' . AI::FusedRNN::Gluon::Initializer::_py($shape) . ' is 0' unless $fan > 0;
    return sqrt($self->{magnitude} / $fan);
}

sub _init_weight {
    my ($self, $name, $p) = @_;
    my @shape = reverse $p->dims;
    croak "Xavier needs an array of at least 2 dimensions; '$name' has shape "
        . AI::FusedRNN::Gluon::Initializer::_cshape_str($p) if @shape < 2;
    return if $p->nelem == 0;
    my $s = $self->spread(\@shape);
    if ($self->{rnd_type} eq 'uniform') {
        $p .= (PDL::Primitive::random($p->type, $p->dims) * 2 - 1) * $s;
    } else {
        $p .= PDL::Primitive::grandom($p->type, $p->dims) * $s;
    }
}

package AI::FusedRNN::Gluon::Initializer::MSRAPrelu;
our @ISA = ('AI::FusedRNN::Gluon::Initializer::Xavier');
sub _params { [[factor_type => 'avg'], [slope => 0.25]] }

sub _setup {
    my ($self, $a) = @_;
    my $slope = $self->_number('slope', $a->{slope});
    $self->{rnd_type} = 'gaussian';
    $self->{factor_type} = $self->_choice('factor_type', $a->{factor_type}, qw(avg in out));
    $self->{magnitude} = 2 / (1 + $slope**2);
    $self->{slope} = $slope;
}

package AI::FusedRNN::Gluon::Initializer::LSTMBias;
our @ISA = ('AI::FusedRNN::Gluon::Initializer');
use Carp qw(croak);
sub _params { [[forget_bias => '1.0']] }
sub _setup { $_[0]{forget_bias} = $_[0]->_number('forget_bias', $_[1]{forget_bias}) }

# 0, except the forget-gate rows [H, 2H) (H = a quarter of the first C dimension).
sub _init_weight {
    my ($self, $name, $p) = @_;
    croak "LSTMBias needs an array of at least 1 dimension; '$name' has none" unless $p->ndims;
    $p .= 0;
    my $H = int(($p->dims)[-1] / 4);
    $p->mv(-1, 0)->slice($H . ':' . (2 * $H - 1)) .= $self->{forget_bias} if $H > 0;
}

# ---- registration and class-method shortcuts --------------------------------------------------

package AI::FusedRNN::Gluon::Initializer;

register("AI::FusedRNN::Gluon::Initializer::$_") for @BUILTIN;
register('AI::FusedRNN::Gluon::Initializer::Zero', 'zeros');
register('AI::FusedRNN::Gluon::Initializer::One', 'ones');

# AI::FusedRNN::Gluon::Initializer->Xavier(magnitude => 2) builds
# AI::FusedRNN::Gluon::Initializer::Xavier->new(magnitude => 2); called with
# no arguments at all each returns its class name, which makes the bareword
# AI::FusedRNN::Gluon::Initializer::Xavier->new(...) work.
for my $name (@BUILTIN) {
    my $class = __PACKAGE__ . "::$name";
    no strict 'refs';
    *{ __PACKAGE__ . "::$name" } = sub {
        return $class unless @_;
        shift if defined $_[0] && !ref $_[0] && $_[0] eq __PACKAGE__;
        return $class->new(@_);
    };
}

1;

__END__

=head1 NAME

AI::FusedRNN::Gluon::Initializer - parameter initializers (Zero, One, Constant, Uniform, Normal, Xavier, MSRAPrelu, LSTMBias)

=head1 SYNOPSIS

  use AI::FusedRNN::Gluon::Initializer;
  my $I = 'AI::FusedRNN::Gluon::Initializer';

  $layer->initialize(init => 'xavier');                          # a registered name
  $layer->initialize(init => $I->Xavier(rnd_type => 'gaussian', magnitude => 2));
  $layer->initialize(init => '["normal", {"sigma": 0.02}]');     # Python's dumps()
  $layer->initialize(init => ['uniform', 0.1]);                  # [name, arguments...]
  my $lstm = AI::FusedRNN::Gluon::RNN->LSTM(100, i2h_weight_initializer => 'msraprelu',
                                           i2h_bias_initializer => ['lstmbias', forget_bias => 2]);

  my $x = AI::FusedRNN::Gluon::Initializer::create('["xavier", {"factor_type": "in"}]');
  print $x->dumps;    # ["xavier", {"rnd_type": "uniform", "factor_type": "in", "magnitude": 3}]
  $x->('l0_i2h_weight', $pdl);                                   # fill in place (Python's __call__)

=head1 DESCRIPTION

The classes, registered names, arguments (positional in Python's order, or by
name), defaults, string forms and C<dumps> of the Python package's
C<fusedrnn.gluon.initializer>. An initializer spec, accepted wherever one is
(C<initialize(init =E<gt> ...)>, C<default_init>, a Parameter's C<init>, the
blocks' C<*_initializer> options) is any of:

=over

=item * an initializer object (one of the classes below, or a registered subclass);

=item * a registered name, case-insensitive, surrounding blanks ignored:
C<zero>/C<zeros>, C<one>/C<ones>, C<constant> (needs a value, so only in the
forms with arguments), C<uniform>, C<normal>, C<xavier>, C<msraprelu>,
C<lstmbias>;

=item * a JSON string C<[name, {arguments}]>, what C<dumps> writes (and what
Python's C<Initializer.dumps()> writes), e.g. C<'["uniform", {"scale": 0.1}]'>;

=item * an array ref C<[name, arguments...]>: positional and/or C<key =E<gt> value>
(C<['uniform', 0.1]>, C<['xavier', 'gaussian', 'in', 2]>, C<['xavier',
factor_type =E<gt> 'in']>), or C<[name, {key =E<gt> value}]>;

=item * the full class name of an initializer class (a string containing C<::>);

=item * a code ref (Perl only), called with C<($pdl, $parameter_name)> to fill the
PDL in place.

=back

An unknown name, an unknown or missing argument, too many positional
arguments, a value of the wrong kind or an unparsable JSON string croaks when
the spec is made into an object: at C<initialize>, or when a block is built
with it.

=head2 The initializers

Defaults are Python's. "Weight rule" is what fills a parameter given this
initializer (its own, or the C<init> of C<initialize>), whatever the
parameter's name.

=over

=item Zero() (C<zero>, C<zeros>), One() (C<one>, C<ones>)

Fill with 0 / 1.

=item Constant(value)

Fill with C<value>: a number, or a nested array ref in C order (NumPy's
nesting) or a PDL, broadcast to the parameter's shape by NumPy's rules (a
value that cannot be broadcast croaks when filling). C<value> is required.
A PDL value is stored (and dumped) as its nested list, like Python's
C<tolist()>.

=item Uniform(scale = 0.07)

Independent draws from the uniform distribution on [-scale, scale). This is
the initializer used when neither a parameter nor C<initialize> names one.

=item Normal(sigma = 0.01)

Independent draws from N(0, sigma**2); sigma E<gt>= 0.

=item Xavier(rnd_type = 'uniform', factor_type = 'avg', magnitude = 3)

Draws with spread s = sqrt(magnitude / fan): uniform on [-s, s) when
C<rnd_type> is C<'uniform'>, Gaussian with standard deviation s when
C<'gaussian'>. For a parameter of C shape (out, in, k1, k2, ...), fan_in =
in*k1*k2*..., fan_out = out*k1*k2*...; C<factor_type> C<'in'>, C<'out'> or
C<'avg'> (their mean) picks the fan. So an RNN weight of C shape (G*H, in)
(PDL dims (in, G*H)) has fan_in = in and fan_out = G*H. Arrays of fewer than 2
dimensions (biases) are refused. C<magnitude> E<gt>= 0. C<< $x->fans(\@c_shape) >>
returns (fan_in, fan_out) and C<< $x->spread(\@c_shape) >> the s.

=item MSRAPrelu(factor_type = 'avg', slope = 0.25)

He et al.'s scaling for PReLU: Xavier with C<rnd_type = 'gaussian'> and
magnitude 2 / (1 + slope**2). Dumped with its own two arguments.

=item LSTMBias(forget_bias = 1.0)

0 everywhere except the forget-gate rows [H, 2H) of the first C dimension
(H = a quarter of it, rounded down; gate order i, f, g, o), set to
C<forget_bias>. On a 4H bias vector that is elements H .. 2H-1.

=back

=head2 Functions and methods

C<create($spec)> (also C<< AI::FusedRNN::Gluon::Initializer->create($spec) >>)
returns the object (a code ref is returned as it is); C<check($spec)> croaks
unless C<create> would succeed; C<fill($spec, $pdl, $name)> fills C<$pdl> in place
with the spec's weight rule (what a Parameter does); C<names> lists the
registered names; C<register($class, @aliases)> registers a subclass under its
lower-cased last name component (and the aliases).

Class-method shortcuts: C<< AI::FusedRNN::Gluon::Initializer->Xavier(...) >> is
C<< AI::FusedRNN::Gluon::Initializer::Xavier->new(...) >>, and so for every class.
C<new> takes Python's positional arguments in Python's order, then C<key
=E<gt> value> pairs, or one hash ref.

Object methods: C<name> (the registered name), C<kwargs> (hash ref of the
arguments, defaults included), C<dumps> (Python's C<json.dumps([name,
kwargs])>, same key order and separators, so Python's C<create> reads it; a
whole-valued float prints as an integer unless it was given as a string such
as C<'1.0'>), C<repr> (also the string form: C<Xavier(rnd_type='uniform',
factor_type='avg', magnitude=3)>), C<equals> (also C<==>, C<eq>: same class and
arguments), C<set_verbosity> (accepted, prints nothing), and C<call($name,
$pdl, $own)>, also C<< $init->($name, $pdl) >>: Python's C<__call__>, which fills
with C<$own> when given, else by the name's ending: C<weight> by the weight
rule, C<bias> 0, C<gamma> 1, C<beta> 0, anything else croaks.

=head2 Subclassing

  package My::Init;
  use parent -norequire, 'AI::FusedRNN::Gluon::Initializer';
  sub _params { [[value => 0.5]] }                 # arguments and defaults (undef: free key => value)
  sub _setup { my ($self, $args) = @_; $self->{v} = $self->_number('value', $args->{value}) }
  sub _init_weight { my ($self, $name, $pdl) = @_; $pdl .= $self->{v} }
  AI::FusedRNN::Gluon::Initializer::register('My::Init', 'half');   # 'myinit', 'half'

=head2 Random numbers

Random initializers draw from PDL's generator (C<PDL::Primitive::random> and
C<grandom>; seed it with C<PDL::srand($n)>), not from the Python package's
generator: the distributions are the same, the numbers are not. To give Perl
and Python the same parameters, save them on one side and load the file on
the other.

=cut
