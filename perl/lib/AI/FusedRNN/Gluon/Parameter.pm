package AI::FusedRNN::Gluon::Parameter;

use strict;
use warnings;
use Carp qw(croak carp);
use Scalar::Util qw(blessed looks_like_number refaddr);
use PDL::Lite ();
use PDL::Core ();
use PDL::Primitive ();
use AI::FusedRNN ();
use AI::FusedRNN::MXNetFormat ();
use AI::FusedRNN::Gluon::Initializer ();

our $VERSION = '0.01';

use overload '""' => sub { $_[0]->repr }, 'bool' => sub { 1 },
    '==' => sub { refaddr($_[0]) == refaddr($_[1]) }, 'eq' => sub { refaddr($_[0]) == refaddr($_[1]) },
    fallback => 1;

my %DTYPE = (float32 => 'float', float => 'float', float64 => 'double', double => 'double');
my %NP = (float => 'float32', double => 'float64');

sub _np_dtype {
    my ($fn, $v) = @_;
    $v = 'float32' unless defined $v;
    $v = "$v" if blessed($v) && $v->isa('PDL::Type');
    croak "$fn: dtype must be float32 or float64, got " . AI::FusedRNN::_describe($v)
        if ref $v || !exists $DTYPE{ lc $v };
    return $NP{ $DTYPE{ lc $v } };
}

sub _pdl_type { return $_[0] eq 'float64' ? PDL::double() : PDL::float() }

sub _shape {
    my ($fn, $s) = @_;
    return undef unless defined $s;
    $s = [$s] unless ref $s;
    croak "$fn: shape must be an array ref of sizes, got " . AI::FusedRNN::_describe($s) unless ref $s eq 'ARRAY';
    for (@$s) {
        croak "$fn: shape sizes must be integers >= 0, got " . AI::FusedRNN::_describe($_)
            if !defined $_ || ref $_ || !looks_like_number($_) || $_ < 0 || $_ != int($_);
    }
    return [map { 0 + $_ } @$s];
}

sub _shape_str {
    my ($s) = @_;
    return 'None' unless defined $s;
    return @$s == 1 ? "($s->[0],)" : '(' . join(', ', @$s) . ')';
}

sub _known { my ($s) = @_; return defined $s && !grep { $_ <= 0 } @$s }

# new($name, shape => [C order], dtype => 'float32', init => ..., allow_deferred_init => 0)
sub new {
    my ($class, $name, %o) = @_;
    my %known = map { $_ => 1 } qw(shape dtype init allow_deferred_init grad_req lr_mult wd_mult
                                   differentiable stype grad_stype);
    for (keys %o) { croak "Parameter: unknown argument '$_'" unless $known{$_} }
    croak 'Parameter: a name is required' if !defined $name || ref $name;
    return bless {
        name => $name, shape => _shape('Parameter', $o{shape}), dtype => _np_dtype('Parameter', $o{dtype}),
        init => $o{init}, allow_deferred_init => $o{allow_deferred_init} ? 1 : 0,
        grad_req => defined $o{grad_req} ? $o{grad_req} : 'write',
        lr_mult => defined $o{lr_mult} ? $o{lr_mult} : 1, wd_mult => defined $o{wd_mult} ? $o{wd_mult} : 1,
        data => undef, deferred => undef,
    }, $class;
}

sub name  { $_[0]{name} }
sub dtype { $_[0]{dtype} }
sub init  { my $s = shift; $s->{init} = shift if @_; $s->{init} }
sub grad_req { $_[0]{grad_req} }
sub lr_mult { $_[0]{lr_mult} }
sub wd_mult { $_[0]{wd_mult} }
sub allow_deferred_init { $_[0]{allow_deferred_init} }

# shape (C order); setting checks compatibility (a 0 takes any size).
sub shape {
    my $self = shift;
    return $self->{shape} ? [@{ $self->{shape} }] : undef unless @_;
    my $new = _shape('Parameter::shape', shift);
    if (defined $self->{shape}) {
        my $old = $self->{shape};
        croak "Parameter '$self->{name}' has shape " . _shape_str($old) . ', which cannot become ' . _shape_str($new)
            unless defined $new && @$new == @$old && !grep { $old->[$_] != 0 && $old->[$_] != $new->[$_] } 0 .. $#$old;
    }
    $self->{shape} = $new;
    return [@$new];
}

sub repr {
    my ($self) = @_;
    return "Parameter $self->{name} (shape=" . _shape_str($self->{shape}) . ", dtype=$self->{dtype})";
}

sub is_initialized { defined $_[0]{data} ? 1 : 0 }
sub is_deferred { !defined $_[0]{data} && defined $_[0]{deferred} ? 1 : 0 }

# initialize(init => $spec, default_init => $spec, force_reinit => 0)
sub initialize {
    my ($self, %o) = @_;
    for (keys %o) { croak "Parameter::initialize: unknown argument '$_'" unless /^(init|default_init|force_reinit|ctx)$/ }
    if (defined $self->{data} && !$o{force_reinit}) {
        carp "Parameter '$self->{name}' is already initialized; skipped. Pass force_reinit => 1 to initialize it again.";
        return $self;
    }
    $self->{data} = undef;
    my $default = defined $o{default_init} ? $o{default_init} : 'uniform';
    my $init = defined $o{init} ? $o{init} : defined $self->{init} ? $self->{init} : $default;
    AI::FusedRNN::Gluon::Initializer::check($init);
    $self->{deferred} = [$init, undef];
    if (_known($self->{shape})) {
        $self->_finish_deferred_init;
    } elsif (!$self->{allow_deferred_init}) {
        $self->{deferred} = undef;
        croak "Parameter '$self->{name}' cannot be initialized: its shape " . _shape_str($self->{shape})
            . ' is not fully known';
    }
    return $self;
}

sub _finish_deferred_init {
    my ($self) = @_;
    return unless defined $self->{deferred};
    croak "Parameter '$self->{name}' cannot be initialized yet: its shape " . _shape_str($self->{shape})
        . ' still has unknown dimensions' unless _known($self->{shape});
    my ($init, $pending) = @{ $self->{deferred} };
    my $p = PDL::Core::zeros(_pdl_type($self->{dtype}), reverse @{ $self->{shape} });
    if (defined $pending) {
        $p .= $pending;
    } else {
        AI::FusedRNN::Gluon::Initializer::fill($init, $p, $self->{name});
    }
    $self->{data} = $p;
    $self->{deferred} = undef;
}

sub data {
    my ($self) = @_;
    return $self->{data} if defined $self->{data};
    croak "Parameter '$self->{name}' is not initialized yet: its initialization was deferred until its shape is known, "
        . 'which happens at the first forward call. Run one batch through the block first, or give the input size when building it.'
        if defined $self->{deferred};
    croak "Parameter '$self->{name}' has not been initialized. Call initialize() on the block (which covers its children) or on collect_params().";
}

sub list_data { [$_[0]->data] }

# set_data($pdl): values copied into the parameter (converted to its dtype);
# dims must be the reverse of the shape (0s in the shape take the given sizes).
sub set_data {
    my ($self, $v) = @_;
    $v = PDL::Core::pdl(_pdl_type($self->{dtype}), $v) if ref $v eq 'ARRAY';
    croak "Parameter::set_data: expected a PDL, got " . AI::FusedRNN::_describe($v) unless AI::FusedRNN::_is_pdl($v);
    $self->shape([reverse $v->dims]);
    unless (defined $self->{data}) {
        croak "Parameter '$self->{name}' has not been initialized; call initialize() before set_data()"
            unless defined $self->{deferred};
        $self->{deferred}[1] = $v->convert(_pdl_type($self->{dtype}))->copy;
        return;
    }
    $self->{data} .= $v;
}

sub cast {
    my ($self, $dtype) = @_;
    $self->{dtype} = _np_dtype('cast', $dtype);
    $self->{data} = $self->{data}->convert(_pdl_type($self->{dtype})) if defined $self->{data};
    $self->{deferred}[1] = $self->{deferred}[1]->convert(_pdl_type($self->{dtype}))
        if defined $self->{deferred} && defined $self->{deferred}[1];
}

sub grad { croak "fusedrnn computes the forward pass only; Parameter '$_[0]{name}' has no gradient" }
sub zero_grad { }
sub reset_ctx { }
sub list_ctx { ['cpu(0)'] }

# ---- loading plans (docs/parameter-files.md, "Loading rules") ----------------------------
# $rec: { shape, dtype, pdl } from AI::FusedRNN::MXNetFormat.
sub _plan_load {
    my ($self, $rec, $cast_dtype, $dtype_source, $where) = @_;
    my @shape = @{ $rec->{shape} };
    if (defined $self->{shape}) {
        my $mine = $self->{shape};
        croak "Failed loading Parameter '$self->{name}' from saved params: shape incompatible expected "
            . _shape_str($mine) . ' vs saved ' . _shape_str(\@shape) . " ($where)"
            if @$mine != @shape || grep { $mine->[$_] != 0 && $mine->[$_] != $shape[$_] } 0 .. $#shape;
    }
    my $dtype = $self->{dtype};
    if ($rec->{dtype} ne $dtype) {
        croak "Failed loading Parameter '$self->{name}' from saved params: dtype incompatible expected $dtype vs saved "
            . "$rec->{dtype}. Set cast_dtype => 1 to cast the dtype of saved params. ($where)"
            unless $cast_dtype;
        $dtype = $rec->{dtype} if $dtype_source eq 'saved';
    }
    return [\@shape, $dtype, $rec->{pdl}];
}

sub _commit_load {
    my ($self, $plan) = @_;
    my ($shape, $dtype, $pdl) = @$plan;
    my $d = $self->{data};
    my $type = $dtype =~ /^float(32|64)$/ ? _pdl_type($dtype) : $pdl->type;
    if (defined $d && "@{[reverse $d->dims]}" eq "@$shape" && $dtype eq $self->{dtype}) {
        $d .= $pdl;    # in place
    } else {
        $self->{data} = $pdl->convert($type)->copy->reshape(@$shape ? reverse @$shape : (1));
    }
    $self->{shape} = [@$shape];
    $self->{dtype} = $dtype;
    $self->{deferred} = undef;
}

# ======================================================================================
package AI::FusedRNN::Gluon::ParameterDict;

use Carp qw(croak);
use Scalar::Util qw(refaddr);

use overload '""' => sub { $_[0]->repr }, 'bool' => sub { 1 }, fallback => 1;

sub new {
    my ($class, $prefix, $shared) = @_;
    return bless { prefix => defined $prefix ? $prefix : '', order => [], params => {}, shared => $shared }, $class;
}

sub prefix { $_[0]{prefix} }
sub keys   { @{ $_[0]{order} } }
sub values { my $s = shift; map { $s->{params}{$_} } @{ $s->{order} } }
sub items  { my $s = shift; map { [$_, $s->{params}{$_}] } @{ $s->{order} } }
sub count  { scalar @{ $_[0]{order} } }
sub contains { exists $_[0]{params}{ $_[1] } ? 1 : 0 }
# the Parameter of a full name (undef when absent)
sub param  { $_[0]{params}{ $_[1] } }

sub repr {
    my ($self) = @_;
    my $head = length $self->{prefix} ? "$self->{prefix} " : '';
    return "$head(\n" . join("\n", map { '  ' . $_->repr } $self->values) . "\n)";
}

sub _add {
    my ($self, $name, $p) = @_;
    push @{ $self->{order} }, $name unless exists $self->{params}{$name};
    $self->{params}{$name} = $p;
}

sub _lookup {
    my ($self, $name) = @_;
    return $self->{params}{$name} if exists $self->{params}{$name};
    if ($self->{shared} && exists $self->{shared}{params}{$name}) {
        $self->_add($name, $self->{shared}{params}{$name});
        return $self->{params}{$name};
    }
    return undef;
}

# get($name, %attrs): the Parameter prefix.$name, created when absent.
sub get {
    my ($self, $name, %kw) = @_;
    my $full = $self->{prefix} . $name;
    my $p = $self->_lookup($full);
    unless ($p) {
        $p = AI::FusedRNN::Gluon::Parameter->new($full, %kw);
        $self->_add($full, $p);
        return $p;
    }
    for my $k (sort CORE::keys %kw) {
        my $want = $kw{$k};
        next unless defined $want;
        if ($k eq 'shape') {
            my $w = AI::FusedRNN::Gluon::Parameter::_shape('get', $want);
            my $s = $p->{shape};
            unless (defined $s) { $p->{shape} = $w; next }
            if (@$w == @$s && !grep { $w->[$_] != $s->[$_] && $w->[$_] != 0 && $s->[$_] != 0 } 0 .. $#$w) {
                $p->{shape} = [map { $w->[$_] > $s->[$_] ? $w->[$_] : $s->[$_] } 0 .. $#$w];
                next;
            }
            croak "Parameter '$full' exists with shape " . AI::FusedRNN::Gluon::Parameter::_shape_str($s)
                . ', which does not match the requested ' . AI::FusedRNN::Gluon::Parameter::_shape_str($w);
        } elsif ($k eq 'dtype') {
            my $d = AI::FusedRNN::Gluon::Parameter::_np_dtype('get', $want);
            croak "Parameter '$full' exists with dtype $p->{dtype}, which does not match the requested $d"
                if $d ne $p->{dtype};
        } elsif ($k eq 'init' || $k eq 'allow_deferred_init') {
            $p->{$k} = $want unless defined $p->{$k} && $p->{$k};
        }
    }
    return $p;
}

sub update {
    my ($self, $other) = @_;
    for my $it ($other->items) {
        my ($name, $p) = @$it;
        croak "cannot merge: two different parameters are named '$name'"
            if exists $self->{params}{$name} && refaddr($self->{params}{$name}) != refaddr($p);
        $self->_add($name, $p);
    }
    return $self;
}

# initialize(init => $spec, force_reinit => 0): a parameter's own initializer
# wins; init (default 'uniform') is the fallback.
sub initialize {
    my ($self, @args) = @_;
    unshift @args, 'init' if @args % 2;
    my %o = @args;
    for (CORE::keys %o) { croak "initialize: unknown argument '$_'" unless /^(init|ctx|verbose|force_reinit)$/ }
    my $default = defined $o{init} ? $o{init} : 'uniform';
    AI::FusedRNN::Gluon::Initializer::check($default);
    $_->initialize(default_init => $default, force_reinit => $o{force_reinit}) for $self->values;
    return $self;
}

sub select {
    my ($self, $re) = @_;
    my $out = (ref $self)->new($self->{prefix});
    $out->_add($_->[0], $_->[1]) for grep { $_->[0] =~ /^(?:$re)/ } $self->items;
    return $out;
}

# name => PDL of the initialised parameters
sub data_hash {
    my ($self) = @_;
    return { map { $_->[0] => $_->[1]{data} } grep { defined $_->[1]{data} } $self->items };
}

sub zero_grad { }
sub reset_ctx { }
sub setattr { my ($s, $k, $v) = @_; $_->{$k} = $v for $s->values }

sub save {
    my ($self, $file, %o) = @_;
    for (CORE::keys %o) { croak "save: unknown argument '$_'" unless $_ eq 'strip_prefix' }
    my $strip = defined $o{strip_prefix} ? $o{strip_prefix} : '';
    my @pairs;
    for my $p ($self->values) {
        croak "Prefix '$strip' is to be striped before saving, but Parameter's name '$p->{name}' does not start with "
            . "'$strip'. This may be due to your Block sharing parameters from other Blocks or building child blocks "
            . "outside 'name_scope()'." if substr($p->{name}, 0, length $strip) ne $strip;
        push @pairs, [substr($p->{name}, length $strip), $p->data, $p->{shape}];
    }
    AI::FusedRNN::MXNetFormat::save($file, \@pairs);
}

sub load {
    my ($self, $file, %o) = @_;
    for (CORE::keys %o) {
        croak "load: unknown argument '$_'" unless /^(ctx|allow_missing|ignore_extra|restore_prefix|cast_dtype|dtype_source)$/;
    }
    my $rp = defined $o{restore_prefix} ? $o{restore_prefix} : '';
    if (length $rp) {
        for my $name ($self->keys) {
            croak "restore_prefix is '$rp' but Parameters name '$name' does not start with '$rp'"
                if substr($name, 0, length $rp) ne $rp;
        }
    }
    require AI::FusedRNN::Gluon::Block;
    my $loaded = AI::FusedRNN::Gluon::Block::_read_named($file);
    AI::FusedRNN::Gluon::Block::_commit_all($self->_plan_dict($loaded, $o{allow_missing}, $o{ignore_extra}, $rp, $file,
                                                          $o{cast_dtype}, $o{dtype_source}));
}

sub _plan_dict {
    my ($self, $loaded, $allow_missing, $ignore_extra, $rp, $file, $cast, $source) = @_;
    require AI::FusedRNN::Gluon::Block;
    $source = AI::FusedRNN::Gluon::Block::_check_dtype_source($source);
    my $lp = length $rp;
    my (@names, %arg);
    for my $e (@$loaded) {
        my ($k, $rec) = @$e;
        $k = substr($k, 4) if $k =~ /^(arg|aux):/;
        push @names, $rp . $k;
        $arg{ $rp . $k } = $rec;
    }
    my $err = defined $file ? "file: $file" : 'param_dict';
    unless ($allow_missing) {
        for my $name ($self->keys) {
            croak "Parameter '" . substr($name, $lp) . "' is missing in $err, which contains parameters: "
                . AI::FusedRNN::Gluon::Block::_brief(\@names) . '. Please make sure source and target networks have the '
                . 'same prefix. Set allow_missing => 1 to ignore missing parameters.' unless exists $arg{$name};
        }
    }
    my @plans;
    for my $name (@names) {
        my $p = $self->{params}{$name};
        unless ($p) {
            croak "Parameter '" . substr($name, $lp) . "' loaded from $err is not present in ParameterDict, choices are: "
                . AI::FusedRNN::Gluon::Block::_brief([$self->keys]) . '. Set ignore_extra => 1 to ignore. Please make sure '
                . 'source and target networks have the same prefix.' unless $ignore_extra;
            next;
        }
        push @plans, [$p, $p->_plan_load($arg{$name}, $cast, $source, "entry '" . substr($name, $lp) . "' in $err")];
    }
    return \@plans;
}

1;

__END__

=head1 NAME

AI::FusedRNN::Gluon::Parameter - Gluon-style parameters (AI::FusedRNN::Gluon::Parameter, ::ParameterDict)

=head1 DESCRIPTION

=head2 AI::FusedRNN::Gluon::Parameter

C<< new($name, shape => [C-order sizes], dtype => 'float32', init => $spec,
allow_deferred_init => 0) >>. A shape may hold 0 for a size not known yet
(an input size inferred at the first call). Methods: C<name>, C<shape>
(C order; setting it checks compatibility), C<dtype> (C<float32> or
C<float64>), C<init>, C<initialize(init =E<gt>, default_init =E<gt>,
force_reinit =E<gt>)>, C<data> (the PDL itself, dims the reverse of the
shape; writing into it changes the parameter), C<set_data($pdl)>,
C<cast($dtype)>, C<is_initialized>, C<is_deferred>, C<repr> (also the
string form).

=head2 AI::FusedRNN::Gluon::ParameterDict

An ordered name =E<gt> Parameter map sharing one prefix: C<get($name,
%attrs)> (creates C<prefix.name> or returns the existing one, checking the
attributes), C<keys>, C<values>, C<items> (C<[name, Parameter]> pairs),
C<param($full_name)>, C<contains>, C<count>, C<update($other)>,
C<select($regex)>, C<initialize(init =E<gt> ..., force_reinit =E<gt> 0)>,
C<data_hash> (name =E<gt> PDL), C<save($file, strip_prefix =E<gt> '')> and
C<load($file, allow_missing =E<gt>, ignore_extra =E<gt>, restore_prefix =E<gt>,
cast_dtype =E<gt>, dtype_source =E<gt>)>, with the names and errors of
Gluon's ParameterDict (docs/parameter-files.md). Python's C<params[full_name]>
is C<< $params->param($full_name) >> (undef when absent, nothing created);
C<< $params->get($name) >> is Gluon's C<get> (the prefix is added and the
parameter created when absent); C<< { map { @$_ } $params->items } >> gives a
plain hash of name =E<gt> Parameter.

=head2 Initializers

See L<AI::FusedRNN::Gluon::Initializer>: a spec is an initializer object, a
registered name (C<zero>/C<zeros>, C<one>/C<ones>, C<constant>, C<uniform>,
C<normal>, C<xavier>, C<msraprelu>, C<lstmbias>; case-insensitive), a JSON
dump (C<'["uniform", {"scale": 0.1}]'>), C<[name, arguments...]> or a code ref
called with the PDL to fill and the parameter's name. A parameter is filled by
its own initializer, else by C<init>, else by C<Uniform(0.07)>. Random ones
use PDL's generator (C<PDL::srand>), not the Python package's: to compare the
two, load the same parameter file.

=cut
