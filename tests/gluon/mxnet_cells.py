"""The fusedrnn cell equivalent to each MXNet 1.9.1 cell fixture (tests/fixtures/mxnet).

Built with the constructor and prefixes the fixture generator used, so the
parameter names in MXNet's .params files match. Shared by the cell fixture
tests and the save/load tests.
"""
from fusedrnn.gluon import rnn

H, I = 6, 4


def _sequential():
    s = rnn.SequentialRNNCell(prefix='seq_')
    with s.name_scope():
        s.add(rnn.LSTMCell(H, input_size=I, prefix='a_'))
        s.add(rnn.LSTMCell(5, input_size=H, prefix='b_'))
    return s


BUILDERS = {
    'cell_rnn_tanh': lambda: rnn.RNNCell(H, input_size=I, prefix='rnncell_'),
    'cell_lstm': lambda: rnn.LSTMCell(H, input_size=I, prefix='lstmcell_'),
    'cell_gru': lambda: rnn.GRUCell(H, input_size=I, prefix='grucell_'),
    'cell_lstm_valid_length': lambda: rnn.LSTMCell(H, input_size=I, prefix='lstmv_'),
    'cell_sequential_lstm2': _sequential,
    'cell_bidirectional_lstm': lambda: rnn.BidirectionalCell(
        rnn.LSTMCell(H, input_size=I, prefix='bl_'),
        rnn.LSTMCell(H, input_size=I, prefix='br_')),
    'cell_bidirectional_lstm_valid_length': lambda: rnn.BidirectionalCell(
        rnn.LSTMCell(H, input_size=I, prefix='vl_'),
        rnn.LSTMCell(H, input_size=I, prefix='vr_')),
}
