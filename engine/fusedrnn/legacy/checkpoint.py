"""MXNet's RNN checkpoint helpers, which need a Symbol and a Module: refused here."""

__all__ = ['save_rnn_checkpoint', 'load_rnn_checkpoint', 'do_rnn_checkpoint']

_INSTEAD = ('fusedrnn has no Symbol or Module. Save a cell\'s arrays with '
            'cell.get_weights() (optionally cell.unpack_weights(...)) and numpy.savez, and '
            'restore them with cell.set_weights(dict(numpy.load(...))); for Gluon blocks use '
            'fusedrnn.gluon save_parameters/load_parameters')


def save_rnn_checkpoint(cells, prefix, epoch, symbol, arg_params, aux_params):
    """Not available: it writes an MXNet symbol file (see the message for the replacement)."""
    raise NotImplementedError('save_rnn_checkpoint writes an MXNet Symbol graph and Module '
                              'parameters. ' + _INSTEAD + '.')


def load_rnn_checkpoint(cells, prefix, epoch):
    """Not available: it returns an MXNet Symbol (see the message for the replacement)."""
    raise NotImplementedError('load_rnn_checkpoint returns an MXNet Symbol and Module '
                              'parameters. ' + _INSTEAD + '.')


def do_rnn_checkpoint(cells, prefix, period=1):
    """Not available: it makes a callback for Module.fit (see the message for the replacement)."""
    raise NotImplementedError('do_rnn_checkpoint makes an epoch-end callback for MXNet '
                              'Module.fit. ' + _INSTEAD + '.')
