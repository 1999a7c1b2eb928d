"""Expected values from ONNX's own equations (`expected.from: "onnx"`).

Checks op.params.interop.onnx: our flat parameter vector, cut into MXNet's
pieces and with the gate row blocks permuted into ONNX's order (LSTM i,o,f,c
from our i,f,g,o; GRU z,r,h from our r,z,n), fed to the ONNX LSTM / GRU
operator equations (onnx.ai operator docs, LSTM-14 and GRU-14 with default
activations, no peepholes, GRU linear_before_reset = 1), gives what the
implementation under test computes from the flat vector itself.

Independent of fusedrnn: NumPy only, float64, one layer (an ONNX node is one
layer), forward or bidirectional, TNC.
"""
import numpy as np

G = {"lstm": 4, "gru": 3}
TO_ONNX = {"lstm": [0, 3, 1, 2],      # ours i, f, g, o -> ONNX i, o, f, c
           "gru": [1, 0, 2]}          # ours r, z, n   -> ONNX z, r, h


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def to_onnx(flat, mode, input_size, hidden, bidirectional):
    """(W [D, G*H, I], R [D, G*H, H], B [D, 2*G*H]) in ONNX's gate order from our flat vector."""
    g, D, H, I = G[mode], (2 if bidirectional else 1), hidden, input_size
    flat = np.asarray(flat, dtype=np.float64)
    W, R, Wb, Rb = [], [], [], []
    off = 0
    for _ in range(D):                                    # weights: per direction i2h then h2h
        W.append(flat[off:off + g * H * I].reshape(g * H, I))
        off += g * H * I
        R.append(flat[off:off + g * H * H].reshape(g * H, H))
        off += g * H * H
    for _ in range(D):                                    # then biases: per direction i2h then h2h
        Wb.append(flat[off:off + g * H])
        off += g * H
        Rb.append(flat[off:off + g * H])
        off += g * H
    assert off == flat.size, (off, flat.size)

    def perm(a):
        blocks = np.split(a, g, axis=0)
        return np.concatenate([blocks[k] for k in TO_ONNX[mode]], axis=0)

    W = np.stack([perm(w) for w in W])
    R = np.stack([perm(r) for r in R])
    B = np.stack([np.concatenate([perm(wb), perm(rb)]) for wb, rb in zip(Wb, Rb)])
    return W, R, B


def onnx_lstm(X, W, R, B, h0, c0):
    """ONNX LSTM (iofc, f=sigmoid, g=h=tanh, no peepholes). Returns Y [T, D, N, H], Y_h, Y_c."""
    T, N, _ = X.shape
    D, GH, H = R.shape
    Y = np.zeros((T, D, N, H))
    Yh, Yc = np.zeros((D, N, H)), np.zeros((D, N, H))
    for d in range(D):
        Wi, Wo, Wf, Wc = np.split(W[d], 4)
        Ri, Ro, Rf, Rc = np.split(R[d], 4)
        Wbi, Wbo, Wbf, Wbc, Rbi, Rbo, Rbf, Rbc = np.split(B[d], 8)
        h, c = h0[d].copy(), c0[d].copy()
        steps = range(T) if d == 0 else range(T - 1, -1, -1)
        for t in steps:
            x = X[t]
            i = _sigmoid(x @ Wi.T + h @ Ri.T + Wbi + Rbi)
            f = _sigmoid(x @ Wf.T + h @ Rf.T + Wbf + Rbf)
            ct = np.tanh(x @ Wc.T + h @ Rc.T + Wbc + Rbc)
            c = f * c + i * ct
            o = _sigmoid(x @ Wo.T + h @ Ro.T + Wbo + Rbo)
            h = o * np.tanh(c)
            Y[t, d] = h
        Yh[d], Yc[d] = h, c
    return Y, Yh, Yc


def onnx_gru(X, W, R, B, h0):
    """ONNX GRU (zrh, f=sigmoid, g=tanh, linear_before_reset = 1). Returns Y, Y_h."""
    T, N, _ = X.shape
    D, GH, H = R.shape
    Y = np.zeros((T, D, N, H))
    Yh = np.zeros((D, N, H))
    for d in range(D):
        Wz, Wr, Wh = np.split(W[d], 3)
        Rz, Rr, Rh = np.split(R[d], 3)
        Wbz, Wbr, Wbh, Rbz, Rbr, Rbh = np.split(B[d], 6)
        h = h0[d].copy()
        steps = range(T) if d == 0 else range(T - 1, -1, -1)
        for t in steps:
            x = X[t]
            z = _sigmoid(x @ Wz.T + h @ Rz.T + Wbz + Rbz)
            r = _sigmoid(x @ Wr.T + h @ Rr.T + Wbr + Rbr)
            hh = np.tanh(x @ Wh.T + r * (h @ Rh.T + Rbh) + Wbh)
            h = (1 - z) * hh + z * h
            Y[t, d] = h
        Yh[d] = h
    return Y, Yh


def onnx_outputs(config, inputs):
    """The case's outputs (output, hy, cy as our operator names them) from the ONNX equations."""
    mode = config["mode"]
    if mode not in G or config.get("num_layers", 1) != 1 or config.get("layout", "TNC") != "TNC":
        raise ValueError("onnx expectations: one lstm/gru layer in TNC")
    X = np.asarray(inputs["data"], dtype=np.float64)
    T, N, I = X.shape
    H, bi = config["state_size"], bool(config.get("bidirectional", False))
    D = 2 if bi else 1
    W, R, B = to_onnx(inputs["parameters"], mode, I, H, bi)
    h0 = np.asarray(inputs["state"], np.float64) if "state" in inputs else np.zeros((D, N, H))
    if mode == "lstm":
        c0 = np.asarray(inputs["state_cell"], np.float64) if "state_cell" in inputs else np.zeros((D, N, H))
        Y, Yh, Yc = onnx_lstm(X, W, R, B, h0, c0)
    else:
        (Y, Yh), Yc = onnx_gru(X, W, R, B, h0), None
    out = {"output": Y.transpose(0, 2, 1, 3).reshape(T, N, D * H)}   # [T, D, N, H] -> [T, N, D*H]
    if config.get("state_outputs"):
        out["hy"] = Yh
        if Yc is not None:
            out["cy"] = Yc
    return out
