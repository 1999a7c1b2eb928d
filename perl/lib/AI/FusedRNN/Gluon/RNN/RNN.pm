package AI::FusedRNN::Gluon::RNN::RNN;

use strict;
use warnings;
use Carp qw(croak);
use parent 'AI::FusedRNN::Gluon::RNN::Layer';

our $VERSION = '0.01';

# Positional order and defaults of the Python layer (MXNet 1.9.1 code).
my @SPEC = (
    [hidden_size => undef], [num_layers => 1], [activation => 'relu'], [layout => 'TNC'],
    [dropout => 0], [bidirectional => 0], [i2h_weight_initializer => undef],
    [h2h_weight_initializer => undef], [i2h_bias_initializer => 'zeros'],
    [h2h_bias_initializer => 'zeros'], [input_size => 0], [dtype => 'float32'],
);

sub new {
    my $class = shift;
    my $a = $class->_parse_args(\@SPEC, {}, @_);
    my $act = $a->{activation};
    croak "activation must be 'relu' or 'tanh', got " . AI::FusedRNN::_describe($act)
        unless defined $act && !ref $act && ($act eq 'relu' || $act eq 'tanh');
    return $class->_new_layer("rnn_$act", $a);
}

1;

__END__

=head1 NAME

AI::FusedRNN::Gluon::RNN::RNN - multi-layer Elman RNN layer (relu or tanh)

=head1 SYNOPSIS

  use AI::FusedRNN::Gluon::RNN::RNN;
  my $layer = AI::FusedRNN::Gluon::RNN::RNN->new(6, 2, bidirectional => 1);
  $layer->initialize;
  my $out = $layer->($x);    # $x: PDL dims (I, N, T) for layout TNC

=head1 DESCRIPTION

C<new(hidden_size, num_layers=1, activation='relu', layout='TNC', dropout=0,
bidirectional=0, i2h_weight_initializer, h2h_weight_initializer,
i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', input_size=0,
dtype='float32')>: positional in this order, then C<< key => value >> pairs
(also C<prefix>, C<params>, C<use_sequence_length>). The activation default
is C<relu>, as in the MXNet code. One state C<[h]>, C shape
C<(L*D, N, H)>. See L<AI::FusedRNN::Gluon::RNN::Layer> for calling.

=cut
