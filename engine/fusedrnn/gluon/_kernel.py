"""The single place where fusedrnn.gluon calls the fused RNN operator."""


def fused_rnn(*args, **kwargs):
    """Forward to ``fusedrnn.rnn`` (the C core); same arguments and results."""
    from .. import rnn as op   # imported late: fusedrnn/__init__ may import this package
    return op(*args, **kwargs)
