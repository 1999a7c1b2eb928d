package AI::FusedRNN::Gluon;

use strict;
use warnings;
use Carp qw(croak);
use Scalar::Util qw(blessed);
use AI::FusedRNN ();

our $VERSION = '0.01';

use Exporter 'import';
our @EXPORT_OK = qw(gluon train_mode predict_mode is_training derive_seed);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

# ---- shortcuts in the AI::MXNet style: gluon->rnn->LSTM(100) -----------------------
sub gluon { return __PACKAGE__ }
sub rnn {
    require AI::FusedRNN::Gluon::RNN;
    return 'AI::FusedRNN::Gluon::RNN';
}

# ---- training / inference mode ---------------------------------------------------------
# The current mode is a dynamically scoped package variable: train_mode and
# predict_mode `local`ize it for the code they run (or until their guard
# object goes away). Each ithread has its own copy.
our $CURRENT = AI::FusedRNN::Gluon::_Mode->new(0, undef);

sub _strip_class { shift @_ if @_ && defined $_[0] && !ref $_[0] && $_[0] eq __PACKAGE__; return @_ }

sub _check_seed {
    my ($fn, $seed) = @_;
    croak "$fn: seed must be an integer in [0, 2**64-1], got " . AI::FusedRNN::_describe($seed)
        if !defined $seed || (ref $seed && !(blessed($seed) && $seed->isa('Math::BigInt')));
    return AI::FusedRNN::_seed($fn, $seed);
}

# train_mode(seed => S, sub { ... }) / train_mode(sub { ... }) / my $g = train_mode(seed => S)
sub train_mode {
    my @args = _strip_class(@_);
    my $code = @args && ref $args[-1] eq 'CODE' ? pop @args : undef;
    croak 'train_mode: expected (seed => S) and/or a code ref' if @args % 2;
    my %o = @args;
    for (keys %o) { croak "train_mode: unknown argument '$_' (known: seed)" if $_ ne 'seed' }
    my $seed = defined $o{seed} ? _check_seed('train_mode', $o{seed}) : undef;
    return _enter(AI::FusedRNN::Gluon::_Mode->new(1, $seed), $code, 'train_mode');
}

sub predict_mode {
    my @args = _strip_class(@_);
    my $code = @args && ref $args[-1] eq 'CODE' ? pop @args : undef;
    croak 'predict_mode: takes no options, only an optional code ref' if @args;
    return _enter(AI::FusedRNN::Gluon::_Mode->new(0, undef), $code, 'predict_mode');
}

sub _enter {
    my ($mode, $code, $fn) = @_;
    if ($code) {
        local $CURRENT = $mode;
        return $code->();
    }
    croak "$fn: without a code ref it returns a guard object; keep it in a variable "
        . "(my \$guard = $fn(...)), the mode lasts until the guard goes away"
        unless defined wantarray;
    return AI::FusedRNN::Gluon::_Guard->new($mode);
}

sub is_training { return $CURRENT->{training} ? 1 : 0 }

sub derive_seed {
    my @args = _strip_class(@_);
    return AI::FusedRNN::derive_seed(@args);
}

# (training, seed) for one op call: undef training follows the current mode;
# undef seed takes the mode's next seed (only when training).
sub resolve {
    my ($training, $seed) = _strip_class(@_);
    $training = $CURRENT->{training} unless defined $training;
    $training = $training ? 1 : 0;
    unless ($training) {
        return (0, defined $seed ? _check_seed('seed', $seed) : 0);
    }
    return (1, _check_seed('seed', $seed)) if defined $seed;
    return (1, $CURRENT->next_seed);
}

# Runs $code under the mode a per-call training/seed asks for (cells): a seed
# opens train_mode(seed) for the call, so the call's k-th draw is derive_seed(seed, k).
sub _with_override {
    my ($training, $seed, $code) = @_;
    return $code->() if !defined $training && !defined $seed;
    $training = is_training() unless defined $training;
    local $CURRENT = $training
        ? AI::FusedRNN::Gluon::_Mode->new(1, defined $seed ? _check_seed('seed', $seed) : undef)
        : AI::FusedRNN::Gluon::_Mode->new(0, undef);
    return $code->();
}

package AI::FusedRNN::Gluon::_Mode;

sub new {
    my ($class, $training, $seed) = @_;
    return bless { training => $training, base_seed => $seed, count => 0 }, $class;
}

sub next_seed {
    my ($self) = @_;
    unless (defined $self->{base_seed}) {    # no seed: an unpredictable one
        my $hi = int(rand(4294967296));
        my $lo = int(rand(4294967296));
        return (($hi << 32) | $lo);
    }
    my $k = $self->{count}++;
    return AI::FusedRNN::derive_seed($self->{base_seed}, $k);
}

package AI::FusedRNN::Gluon::_Guard;

sub new {
    my ($class, $mode) = @_;
    my $self = bless { previous => $AI::FusedRNN::Gluon::CURRENT, mode => $mode }, $class;
    $AI::FusedRNN::Gluon::CURRENT = $mode;
    return $self;
}

sub DESTROY {
    my ($self) = @_;
    # Restore only if this guard's mode is still the current one (guards
    # released out of order must not resurrect a mode that already ended).
    $AI::FusedRNN::Gluon::CURRENT = $self->{previous}
        if $AI::FusedRNN::Gluon::CURRENT == $self->{mode};
}

1;

__END__

=head1 NAME

AI::FusedRNN::Gluon - training mode, seeds and the AI::MXNet-style shortcuts of AI::FusedRNN's Gluon classes

=head1 SYNOPSIS

  use AI::FusedRNN::Gluon qw(gluon train_mode predict_mode is_training);

  my $lstm = gluon->rnn->LSTM(100, 2, dropout => 0.3);
  $lstm->initialize;

  # a block: dropout on, the k-th op call inside gets derive_seed(5, k)
  my $y = train_mode(seed => 5, sub { $lstm->($x) });

  # or a guard: the mode lasts until $guard goes out of scope
  {
      my $guard = train_mode(seed => 5);
      my $y1 = $lstm->($x);
      my $y2 = $lstm->($x);    # a fresh mask, reproducible
  }

  # one call: seed passed to the op as is
  my $y3 = $lstm->($x, undef, training => 1, seed => 3);

=head1 DESCRIPTION

The Perl counterpart of Python's C<fusedrnn.gluon.mode> (and of
C<autograd.train_mode()> in MXNet). Dropout (the fused layers' C<dropout>,
C<DropoutCell>, C<ZoneoutCell>) acts only in training mode; outside any
C<train_mode> calls run in inference mode.

=head2 train_mode(seed => S, $code) / train_mode($code) / my $guard = train_mode(seed => S)

With a code ref, runs it in training mode and returns what it returns (in
the caller's context); the previous mode comes back when the code returns
or dies. Without a code ref, returns a guard object: the mode lasts until
the guard is destroyed (calling it in void context is an error, since the
guard would vanish at once). Also callable as
C<< AI::FusedRNN::Gluon->train_mode(...) >>.

Seeds: inside C<train_mode(seed =E<gt> S)> the k-th seed drawn (k = 0, 1, ...,
counted per C<train_mode>) is C<derive_seed(S, k)>, computed by the C core
exactly as the Python package does, so the same sequence of calls gives
bitwise-identical outputs in Python and Perl. A layer call draws one seed; a
DropoutCell or ZoneoutCell step (or a DropoutCell unroll over a whole
array) draws one and takes its k-th mask from stream k under it. Without a
seed, each draw is random (Perl's C<rand>).

=head2 predict_mode($code) / my $guard = predict_mode()

Inference mode, same forms.

=head2 is_training

1 in training mode, else 0.

=head2 derive_seed(S, k)

The C core's C<fusedrnn_derive_seed>: the k-th seed of a run keyed by S.

=head2 resolve($training, $seed)

C<($training, $seed)> for one op call, as the layers decide it: an undef
C<$training> follows the current mode; an undef C<$seed> takes the mode's
next seed (only when training); a given seed is used unchanged.

=head2 gluon, rnn

C<gluon> returns this package's name and C<< gluon->rnn >> returns
C<AI::FusedRNN::Gluon::RNN>, whose class methods C<RNN>, C<LSTM>, C<GRU>,
C<RNNCell>, C<LSTMCell>, C<GRUCell>, C<SequentialRNNCell>,
C<HybridSequentialRNNCell>, C<BidirectionalCell>, C<DropoutCell>,
C<ModifierCell>, C<ZoneoutCell> and C<ResidualCell> build the classes of the
same names, as AI::MXNet's C<< gluon->rnn->LSTM(...) >> does.

=cut
