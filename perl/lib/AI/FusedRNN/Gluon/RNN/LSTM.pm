package AI::FusedRNN::Gluon::RNN::LSTM;

use strict;
use warnings;
use parent 'AI::FusedRNN::Gluon::RNN::Layer';

our $VERSION = '0.01';

my @SPEC = (
    [hidden_size => undef], [num_layers => 1], [layout => 'TNC'], [dropout => 0],
    [bidirectional => 0], [input_size => 0], [i2h_weight_initializer => undef],
    [h2h_weight_initializer => undef], [i2h_bias_initializer => 'zeros'],
    [h2h_bias_initializer => 'zeros'], [projection_size => undef],
    [h2r_weight_initializer => undef], [state_clip_min => undef], [state_clip_max => undef],
    [state_clip_nan => 0], [dtype => 'float32'],
);
# AI::MXNet's Perl spellings are accepted as aliases.
my %ALIAS = (lstm_state_clip_min => 'state_clip_min', lstm_state_clip_max => 'state_clip_max',
             lstm_state_clip_nan => 'state_clip_nan');

sub new {
    my $class = shift;
    return $class->_new_layer('lstm', $class->_parse_args(\@SPEC, \%ALIAS, @_));
}

1;

__END__

=head1 NAME

AI::FusedRNN::Gluon::RNN::LSTM - multi-layer LSTM layer, with projection and state clipping

=head1 DESCRIPTION

C<new(hidden_size, num_layers=1, layout='TNC', dropout=0, bidirectional=0,
input_size=0, i2h_weight_initializer, h2h_weight_initializer,
i2h_bias_initializer='zeros', h2h_bias_initializer='zeros',
projection_size=undef, h2r_weight_initializer, state_clip_min=undef,
state_clip_max=undef, state_clip_nan=0, dtype='float32')>, positional then
C<< key => value >> (C<lstm_state_clip_*> accepted as aliases). States
C<[h, c]>: h of C shape C<(L*D, N, P or H)>, c of C<(L*D, N, H)>.
See L<AI::FusedRNN::Gluon::RNN::Layer> for calling.

=cut
