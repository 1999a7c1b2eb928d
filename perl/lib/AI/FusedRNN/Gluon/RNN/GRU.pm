package AI::FusedRNN::Gluon::RNN::GRU;

use strict;
use warnings;
use parent 'AI::FusedRNN::Gluon::RNN::Layer';

our $VERSION = '0.01';

my @SPEC = (
    [hidden_size => undef], [num_layers => 1], [layout => 'TNC'], [dropout => 0],
    [bidirectional => 0], [input_size => 0], [i2h_weight_initializer => undef],
    [h2h_weight_initializer => undef], [i2h_bias_initializer => 'zeros'],
    [h2h_bias_initializer => 'zeros'], [dtype => 'float32'],
);

sub new {
    my $class = shift;
    return $class->_new_layer('gru', $class->_parse_args(\@SPEC, {}, @_));
}

1;

__END__

=head1 NAME

AI::FusedRNN::Gluon::RNN::GRU - multi-layer GRU layer (reset gate after the matmul)

=head1 DESCRIPTION

C<new(hidden_size, num_layers=1, layout='TNC', dropout=0, bidirectional=0,
input_size=0, i2h_weight_initializer, h2h_weight_initializer,
i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', dtype='float32')>,
positional then C<< key => value >>. One state C<[h]>, C shape C<(L*D, N, H)>.
See L<AI::FusedRNN::Gluon::RNN::Layer> for calling.

=cut
