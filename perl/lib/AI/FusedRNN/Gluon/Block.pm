package AI::FusedRNN::Gluon::Block;

use strict;
use warnings;
use Carp qw(croak carp);
use Scalar::Util qw(blessed refaddr);
use AI::FusedRNN ();
use AI::FusedRNN::MXNetFormat ();
use AI::FusedRNN::Gluon ();
use AI::FusedRNN::Gluon::Parameter ();

our $VERSION = '0.01';

use overload
    '&{}' => sub { my $self = shift; sub { $self->call(@_) } },
    '""'  => sub { $_[0]->repr },
    'bool' => sub { 1 },
    '==' => sub { refaddr($_[0]) == refaddr($_[1]) },
    fallback => 1;

# The block whose name_scope is open (undef: none), and the counters of
# blocks named outside any scope (per hint: lstm0_, lstm1_, ...).
our $SCOPE;
our %TOP_COUNTER;

sub _alias { my $c = ref($_[0]) || $_[0]; return lc($c =~ s/.*:://r) }

sub new {
    my ($class, %o) = @_;
    for (keys %o) { croak _short($class) . ": unknown argument '$_'" unless /^(prefix|params)$/ }
    my $self = bless {}, $class;
    $self->_init_block($o{prefix}, $o{params});
    return $self;
}

sub _short { my $c = ref($_[0]) || $_[0]; return $c =~ s/.*:://r }

sub _init_block {
    my ($self, $prefix, $params) = @_;
    croak _short($self) . ': prefix must be a string, got ' . AI::FusedRNN::_describe($prefix)
        if defined $prefix && ref $prefix;
    croak _short($self) . ': params must be a ParameterDict, got ' . AI::FusedRNN::_describe($params)
        if defined $params && !(blessed($params) && $params->isa('AI::FusedRNN::Gluon::ParameterDict'));
    $self->{empty_prefix} = defined $prefix && $prefix eq '' ? 1 : 0;
    my $hint = $self->_alias;
    my $pd;
    if (!defined $SCOPE) {
        $prefix = $hint . ($TOP_COUNTER{$hint}++ || 0) . '_' unless defined $prefix;
        $pd = defined $params ? AI::FusedRNN::Gluon::ParameterDict->new($params->prefix, $params)
                              : AI::FusedRNN::Gluon::ParameterDict->new($prefix);
    } else {
        my $parent = $SCOPE;
        $prefix = $hint . ($parent->{scope_counter}{$hint}++ || 0) . '_' unless defined $prefix;
        $pd = defined $params ? AI::FusedRNN::Gluon::ParameterDict->new($params->prefix, $params)
            : AI::FusedRNN::Gluon::ParameterDict->new($parent->{params}->prefix . $prefix, $parent->{params}{shared});
        $prefix = $parent->{prefix} . $prefix;
    }
    $self->{prefix} = $prefix;
    $self->{params} = $pd;
    $self->{name} = $prefix =~ s/_\z//r;
    $self->{scope_counter} = {};
    $self->{children} = [];
    $self->{reg} = [];
    return $self;
}

sub prefix { $_[0]{prefix} }
sub name   { $_[0]{name} }
sub params { $_[0]{params} }

# name_scope(sub { ... }): blocks built inside are named under this one.
sub name_scope {
    my ($self, $code) = @_;
    croak 'name_scope: expected a code ref' unless ref $code eq 'CODE';
    return $code->() if $self->{empty_prefix};
    local $SCOPE = $self;
    return $code->();
}

# register_child($block, $name): $name defaults to the number of children.
sub register_child {
    my ($self, $block, $name) = @_;
    croak _short($self) . ': register_child expects a block, got ' . AI::FusedRNN::_describe($block)
        unless blessed($block) && $block->isa(__PACKAGE__);
    $name = scalar @{ $self->{children} } unless defined $name;
    for my $c (@{ $self->{children} }) {
        if ($c->[0] eq $name) { $c->[1] = $block; return $block }
    }
    push @{ $self->{children} }, [$name, $block];
    return $block;
}

sub _children { map { $_->[1] } @{ $_[0]{children} } }
sub _child { my ($self, $name) = @_; for (@{ $self->{children} }) { return $_->[1] if $_->[0] eq $name } return undef }

# A parameter registered under an attribute name (its structural name).
sub _register_param {
    my ($self, $attr, %kw) = @_;
    my $p = $self->{params}->get($attr, %kw);
    push @{ $self->{reg} }, [$attr, $p];
    $self->{reg_by}{$attr} = $p;
    return $p;
}

sub collect_params {
    my ($self, $select) = @_;
    my $out = AI::FusedRNN::Gluon::ParameterDict->new($self->{params}->prefix);
    if (defined $select) {
        $out->update($self->{params}->select($select));
    } else {
        $out->update($self->{params});
    }
    $out->update($_->collect_params($select)) for $self->_children;
    return $out;
}

# [[structural name, Parameter], ...] in registration order.
sub _collect_params_with_prefix {
    my ($self, $prefix) = @_;
    $prefix = '' unless defined $prefix;
    $prefix .= '.' if length $prefix;
    my @r = map { [$prefix . $_->[0], $_->[1]] } @{ $self->{reg} };
    push @r, @{ $_->[1]->_collect_params_with_prefix($prefix . $_->[0]) } for @{ $self->{children} };
    return \@r;
}

sub initialize {
    my ($self, @args) = @_;
    unshift @args, 'init' if @args % 2;
    $self->collect_params->initialize(@args);
    return $self;
}

sub apply {
    my ($self, $fn) = @_;
    $_->apply($fn) for $self->_children;
    $fn->($self);
    return $self;
}

sub hybridize { my $self = shift; $_->hybridize(@_) for $self->_children; return $self }

sub cast {
    my ($self, $dtype) = @_;
    $_->cast($dtype) for $self->_children;
    $_->cast($dtype) for $self->{params}->values;
    return $self;
}

# ---- files (docs/parameter-files.md) ----------------------------------------------------

sub save_parameters {
    my ($self, $file, %o) = @_;
    for (keys %o) { croak "save_parameters: unknown argument '$_'" unless $_ eq 'deduplicate' }
    my $params = $self->_collect_params_with_prefix;
    if ($o{deduplicate}) {    # each parameter once, under the last name that reaches it
        my (%last, @order);
        for (@$params) {
            my $k = refaddr($_->[1]);
            push @order, $k unless exists $last{$k};
            $last{$k} = $_;
        }
        $params = [map { $last{$_} } @order];
    }
    AI::FusedRNN::MXNetFormat::save($file, [map { [$_->[0], $_->[1]->data, $_->[1]->shape] } @$params]);
    return;
}

sub _read_named {
    my ($file) = @_;
    croak 'expected a file name, got ' . AI::FusedRNN::_describe($file) if !defined $file || ref $file;
    my $f = AI::FusedRNN::MXNetFormat::load($file);
    unless ($f->{names}) {
        croak "File '$file' holds " . scalar(@{ $f->{arrays} }) . ' unnamed arrays (an mx.nd.save list), not named parameters'
            if @{ $f->{arrays} };
        return [];
    }
    return [map { [$f->{names}[$_], $f->{arrays}[$_]] } 0 .. $#{ $f->{names} }];
}

sub _brief {
    my ($list, $limit) = @_;
    $limit = 7 unless defined $limit;
    my @l = @$list;
    if (@l > $limit) {
        my $h = int($limit / 2);
        my $t = -int(-$limit / 2);    # Python's -limit // 2 on the tail
        return _brief([@l[0 .. $h - 1]], $limit) . ', ..., ' . _brief([@l[@l - $t .. $#l]], $limit);
    }
    return join ', ', map { "'$_'" } @l;
}

sub _check_dtype_source {
    my ($s) = @_;
    $s = 'current' unless defined $s;
    croak "dtype_source must be 'current' or 'saved', got " . AI::FusedRNN::_describe($s)
        if ref $s || ($s ne 'current' && $s ne 'saved');
    return $s;
}

sub _commit_all { $_->[0]->_commit_load($_->[1]) for @{ $_[0] } }

sub load_parameters {
    my ($self, $file, %o) = @_;
    for (keys %o) {
        croak "load_parameters: unknown argument '$_'" unless /^(ctx|allow_missing|ignore_extra|cast_dtype|dtype_source)$/;
    }
    my $source = _check_dtype_source($o{dtype_source});
    my $loaded = _read_named($file);
    my $params = $self->_collect_params_with_prefix;
    return $self if !@$loaded && !@$params;
    my $plans;
    if (!grep { index($_->[0], '.') >= 0 } @$loaded) {
        # no '.' anywhere: a legacy file named like collect_params() minus the prefix
        $plans = $self->collect_params->_plan_dict($loaded, $o{allow_missing}, $o{ignore_extra}, $self->{prefix},
                                                   $file, $o{cast_dtype}, $source);
    } else {
        my %in_file = map { $_->[0] => 1 } @$loaded;
        my %by_name = map { $_->[0] => $_->[1] } @$params;
        unless ($o{allow_missing}) {
            my %names_of;
            push @{ $names_of{ refaddr($_->[1]) } }, $_->[0] for @$params;
            for (@$params) {
                next if grep { $in_file{$_} } @{ $names_of{ refaddr($_->[1]) } };
                croak "Parameter '$_->[0]' is missing in file '$file', which contains parameters: "
                    . _brief([map { $_->[0] } @$loaded]) . '. Set allow_missing => 1 to ignore missing parameters.';
            }
        }
        $plans = [];
        for (@$loaded) {
            my ($name, $rec) = @$_;
            my $p = $by_name{$name};
            unless ($p) {
                croak "Parameter '$name' loaded from file '$file' is not present in ParameterDict, which contains "
                    . 'parameters ' . _brief([map { $_->[0] } @$params]) . '. Set ignore_extra => 1 to ignore.'
                    unless $o{ignore_extra};
                next;
            }
            push @$plans, [$p, $p->_plan_load($rec, $o{cast_dtype}, $source, "entry '$name' in file '$file'")];
        }
    }
    $self->_check_loadable_dtypes($plans, $file);
    _commit_all($plans);
    $self->apply(sub { $_[0]->_params_loaded });
    return $self;
}

sub _loadable_dtypes { undef }

sub _check_loadable_dtypes {
    my ($self, $plans, $file) = @_;
    my %owner;
    $self->apply(sub { my $b = shift; $owner{ refaddr($_->[1]) } = $b for @{ $b->{reg} } });
    for (@$plans) {
        my ($p, $plan) = @$_;
        my $b = $owner{ refaddr($p) } or next;
        my $allowed = $b->_loadable_dtypes or next;
        croak "Failed loading Parameter '" . $p->name . "' from file '$file': " . _short($b) . " cannot use dtype $plan->[1] "
            . '(allowed: ' . join(', ', @$allowed) . ')' unless grep { $_ eq $plan->[1] } @$allowed;
    }
}

sub _params_loaded { }

# deprecated Gluon spellings
sub save_params {
    my ($self, $file) = @_;
    carp 'save_params is deprecated. Please use save_parameters.';
    $self->collect_params->save($file, strip_prefix => $self->{prefix});
}

sub load_params {
    my ($self, $file, @rest) = @_;
    carp 'load_params is deprecated. Please use load_parameters.';
    return $self->load_parameters($file, @rest);
}

# ---- calling ----------------------------------------------------------------------------
sub call { my $self = shift; return $self->forward(@_) }
sub forward { croak _short($_[0]) . ' does not define forward()' }

sub _indent { my ($t, $n) = @_; my $pad = ' ' x $n; $t =~ s/\n/\n$pad/g; return $t }

sub repr {
    my ($self) = @_;
    my @lines = map { "  ($_->[0]): " . _indent($_->[1]->repr, 2) } @{ $self->{children} };
    return _short($self) . "(\n" . join("\n", @lines) . "\n)";
}

package AI::FusedRNN::Gluon::HybridBlock;
our @ISA = ('AI::FusedRNN::Gluon::Block');
sub _alias { AI::FusedRNN::Gluon::Block::_alias(@_) }

1;

__END__

=head1 NAME

AI::FusedRNN::Gluon::Block - the base of AI::FusedRNN's Gluon-style layers and cells: naming, parameters, files

=head1 SYNOPSIS

  my $layer = AI::FusedRNN::Gluon::RNN::LSTM->new(6, 2);
  $layer->initialize;
  $layer->save_parameters('lstm.params');
  my $copy = AI::FusedRNN::Gluon::RNN::LSTM->new(6, 2);
  $copy->load_parameters('lstm.params');

=head1 DESCRIPTION

Naming follows Gluon 1.x (and AI::MXNet): a block built outside any name
scope without a C<prefix> is named after its class and a per-class counter
(C<lstm0_>, C<lstm1_>, ...); a block built inside
C<< $parent->name_scope(sub { ... }) >> gets the parent's prefix before its
own, with counters kept per parent. C<< params => $other->params >> shares
another block's parameters (by full name).

=head2 Methods

=over 4

=item prefix, name, params

The full prefix (C<lstm0_>), the prefix without its trailing C<_>, and the
block's own L<AI::FusedRNN::Gluon::ParameterDict>.

=item collect_params($regex)

A ParameterDict of this block's and all descendants' parameters, optionally
those whose full names match C<$regex> from the start.

=item initialize(init => $spec, force_reinit => 0)

Initialises every parameter (see L<AI::FusedRNN::Gluon::Parameter> for the
specs); a parameter's own initializer wins over C<init>.

=item save_parameters($file, deduplicate => 0)

Writes every parameter under its I<structural> name (the attribute path from
this block, joined by C<.>; the fused layers use
C<_unfused.{layer}[.{l|r}_cell].{i2h|h2h|h2r}_{weight|bias}>) in MXNet's
NDArray-list format: the same bytes the Python package and MXNet 1.9.1
write. C<deduplicate> writes a shared parameter once, under the last name
reaching it. Nothing is written when a parameter is not initialised.

=item load_parameters($file, allow_missing => 0, ignore_extra => 0, cast_dtype => 0, dtype_source => 'current')

Reads a file of C<save_parameters> (Perl's, Python's or MXNet's). The rules
and messages are Gluon's (docs/parameter-files.md): a file whose names hold
no C<.> is read the legacy way (C<collect_params()-E<gt>load> with this
block's prefix restored); missing or extra entries are errors unless
allowed; sizes must match (a 0 takes the saved size, so no C<initialize>
is needed); dtypes must match unless C<cast_dtype> (then C<dtype_source>
C<current> converts the values, C<saved> takes the saved dtype, float32 or
float64 only for recurrent blocks). Everything is checked before anything
changes.

=item save_params, load_params

Deprecated Gluon spellings (C<collect_params-E<gt>save(strip_prefix =E<gt> prefix)>
and C<load_parameters>).

=item name_scope($code), register_child($block, $name), apply($code), hybridize, cast($dtype), repr

As in Gluon; C<hybridize> is accepted and changes nothing. A block is
called as a code ref: C<< $block->(@args) >> is C<< $block->call(@args) >>.

=back

=cut
