package AI::FusedRNN::Gluon::RNN;

use strict;
use warnings;
use AI::FusedRNN::Gluon ();
use AI::FusedRNN::Gluon::RNN::RNN ();
use AI::FusedRNN::Gluon::RNN::LSTM ();
use AI::FusedRNN::Gluon::RNN::GRU ();
use AI::FusedRNN::Gluon::RNN::Cell ();

our $VERSION = '0.01';

# Class-method shortcuts in the AI::MXNet style: AI::FusedRNN::Gluon::RNN->LSTM(100)
# (and gluon->rnn->LSTM(100)) build AI::FusedRNN::Gluon::RNN::LSTM->new(100).
# Called with no arguments at all, each returns its class name: that is what
# makes the bareword `AI::FusedRNN::Gluon::RNN::LSTM->new(...)` work, which
# Perl parses as a call of this very sub followed by ->new.
for my $name (qw(RNN LSTM GRU RecurrentCell HybridRecurrentCell RNNCell LSTMCell GRUCell
                 SequentialRNNCell HybridSequentialRNNCell BidirectionalCell DropoutCell
                 ModifierCell ZoneoutCell ResidualCell)) {
    my $class = __PACKAGE__ . "::$name";
    no strict 'refs';
    *{ __PACKAGE__ . "::$name" } = sub {
        return $class unless @_;
        shift if defined $_[0] && !ref $_[0] && ($_[0] eq __PACKAGE__ || $_[0] eq 'AI::FusedRNN::Gluon');
        return $class->new(@_);
    };
}

1;

__END__

=head1 NAME

AI::FusedRNN::Gluon::RNN - the Gluon recurrent layers and cells of AI::FusedRNN (loads them all)

=head1 SYNOPSIS

  use AI::FusedRNN::Gluon qw(gluon);
  use AI::FusedRNN::Gluon::RNN;

  my $layer = gluon->rnn->LSTM(100, 3, bidirectional => 1);   # AI::MXNet style
  my $cell  = AI::FusedRNN::Gluon::RNN->LSTMCell(100, prefix => 'x_');
  my $same  = AI::FusedRNN::Gluon::RNN::LSTMCell->new(hidden_size => 100);

=head1 DESCRIPTION

Loading this module loads the fused layers (L<AI::FusedRNN::Gluon::RNN::RNN>,
L<AI::FusedRNN::Gluon::RNN::LSTM>, L<AI::FusedRNN::Gluon::RNN::GRU>) and every
cell class (L<AI::FusedRNN::Gluon::RNN::Cell>). Each class also has a
class-method shortcut here of the same name (C<RNN>, C<LSTM>, C<GRU>,
C<RNNCell>, C<LSTMCell>, C<GRUCell>, C<SequentialRNNCell>,
C<HybridSequentialRNNCell>, C<BidirectionalCell>, C<DropoutCell>,
C<ModifierCell>, C<ZoneoutCell>, C<ResidualCell>) taking the constructor's
arguments.

=cut
