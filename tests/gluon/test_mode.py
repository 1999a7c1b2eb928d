"""Training mode, dropout and its seeds."""
import threading

import numpy as np
import pytest

import fusedrnn
from fusedrnn import gluon
from fusedrnn.gluon import mode, rnn

X = np.random.default_rng(3).normal(size=(6, 4, 5)).astype(np.float32)


def make(dropout=0.5, layers=3):
    layer = rnn.LSTM(8, layers, dropout=dropout, input_size=5)
    layer.initialize(init='normal', seed=1)
    for p in layer.collect_params().values():
        p.set_data(np.random.default_rng(2).normal(0, 0.5, size=p.shape))
    return layer


def op_call(layer, x, **kw):
    prefix = layer.prefix
    named = {k[len(prefix):]: p.data() for k, p in layer.collect_params().items()}
    flat = fusedrnn.pack_params(named, input_size=5, state_size=8, num_layers=layer._num_layers,
                                mode='lstm', dtype=np.float32)
    return fusedrnn.rnn(x, flat, None, None, state_size=8, num_layers=layer._num_layers,
                        mode='lstm', p=layer._dropout, **kw)


def test_default_is_inference():
    assert not gluon.is_training()
    layer = make()
    with gluon.predict_mode():
        assert not gluon.is_training()
        y = layer(X)
    np.testing.assert_array_equal(layer(X), y)
    np.testing.assert_array_equal(y, op_call(layer, X))


def test_train_mode_applies_dropout_reproducibly():
    layer = make()
    with gluon.train_mode(seed=42):
        assert gluon.is_training()
        a1, a2 = layer(X), layer(X)
    with gluon.train_mode(seed=42):
        b1, b2 = layer(X), layer(X)
    assert not gluon.is_training()
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)
    assert not np.array_equal(a1, a2)            # a fresh mask per call
    assert not np.array_equal(a1, layer(X))      # differs from inference
    np.testing.assert_array_equal(
        a1, op_call(layer, X, training=True, seed=mode.derive_seed(42, 0)))
    np.testing.assert_array_equal(
        a2, op_call(layer, X, training=True, seed=mode.derive_seed(42, 1)))


def test_call_keywords_override_the_mode():
    layer = make()
    y = layer(X, training=True, seed=9)
    np.testing.assert_array_equal(y, op_call(layer, X, training=True, seed=9))
    np.testing.assert_array_equal(y, layer(X, training=True, seed=9))
    with gluon.train_mode(seed=1):
        np.testing.assert_array_equal(layer(X, training=False), op_call(layer, X))
        np.testing.assert_array_equal(layer(X, seed=9), y)


def test_unseeded_training_still_drops():
    layer = make()
    with gluon.train_mode():
        a, b = layer(X), layer(X)
    assert not np.array_equal(a, b)


def test_dropout_has_no_effect_with_one_layer_or_zero_rate():
    for layer in (make(dropout=0.5, layers=1), make(dropout=0, layers=3)):
        with gluon.train_mode(seed=5):
            np.testing.assert_array_equal(layer(X), op_call(layer, X))


def test_nesting_restores_the_outer_mode():
    with gluon.train_mode(seed=1):
        with gluon.predict_mode():
            assert not gluon.is_training()
        assert gluon.is_training()
    assert not gluon.is_training()


def test_mode_is_per_thread():
    seen = []
    ready, done = threading.Event(), threading.Event()

    def other():
        ready.wait()
        seen.append(gluon.is_training())
        done.set()

    t = threading.Thread(target=other)
    t.start()
    with gluon.train_mode(seed=3):
        ready.set()
        done.wait()
    t.join()
    assert seen == [False]


def test_seed_validation():
    with pytest.raises(ValueError):
        gluon.train_mode(seed=-1).__enter__()
    with pytest.raises(TypeError):
        make()(X, training=True, seed=1.5)
    assert mode.derive_seed(1, 0) != mode.derive_seed(1, 1) != mode.derive_seed(2, 0)
    assert 0 <= mode.derive_seed(2**64 - 1, 5) < 2**64


def test_global_seed_makes_unseeded_training_repeat():
    layer = make()
    gluon.random.seed(123)
    with gluon.train_mode():
        a = layer(X)
    gluon.random.seed(123)
    with gluon.train_mode():
        b = layer(X)
    np.testing.assert_array_equal(a, b)
