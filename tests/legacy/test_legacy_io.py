"""encode_sentences and BucketSentenceIter."""
import numpy as np
import pytest

from fusedrnn import legacy as rnn
from fusedrnn.gluon import random as grandom


def test_encode_sentences_builds_vocab():
    # legacy.encode_sentences.{returns,new_keys,start_label,invalid,input}
    sents = [['a', 'b', 'a'], ['c', '\n']]
    coded, vocab = rnn.encode_sentences(sents)
    assert vocab == {'\n': -1, 'a': 0, 'b': 1, 'c': 2}
    assert coded == [[0, 1, 0], [2, -1]]
    coded, vocab = rnn.encode_sentences(sents, invalid_label=1, start_label=0)
    assert vocab == {'\n': 1, 'a': 0, 'b': 2, 'c': 3}      # invalid_label is skipped
    coded, vocab = rnn.encode_sentences(sents, invalid_label=0, invalid_key='<eos>',
                                        start_label=1)
    assert vocab == {'<eos>': 0, 'a': 1, 'b': 2, 'c': 3, '\n': 4}


def test_encode_sentences_given_vocab():
    vocab = {'x': 5, 'y': 6}
    coded, out = rnn.encode_sentences([['x', 'y', 'x']], vocab=vocab)
    assert coded == [[5, 6, 5]] and out is vocab
    with pytest.raises(ValueError, match="unknown token 'z'"):
        rnn.encode_sentences([['z']], vocab={'x': 0})
    vocab = {'x': 0, '<unk>': 1}
    coded, _ = rnn.encode_sentences([['x', 'z']], vocab=vocab, unknown_token='<unk>')
    assert coded == [[0, 1]]
    with pytest.raises(TypeError):
        rnn.encode_sentences(['not tokenised'])


def _sentences():
    return [[1, 2, 3], [4, 5, 6], [7, 8], [9, 10], [11, 12, 13, 14, 15], [1], [2, 3, 4]]


def test_bucket_iter_batches():
    # legacy.bucket_iter.{label,invalid_label,names,dtype,next,buckets_auto}
    grandom.seed(0)
    it = rnn.BucketSentenceIter(_sentences(), batch_size=2, buckets=[2, 3, 5],
                                invalid_label=0, dtype='int32')
    assert it.default_bucket_key == 5
    assert it.provide_data == [('data', (2, 5))] and it.provide_label == [('softmax_label',
                                                                           (2, 5))]
    batches = list(it)
    keys = sorted(b.bucket_key for b in batches)
    assert keys == [2, 3]          # 3 sentences each in buckets 2 and 3, one in bucket 5
    for batch in batches:
        data, label = batch.data[0], batch.label[0]
        assert data.dtype == np.int32 and data.shape == (2, batch.bucket_key)
        np.testing.assert_array_equal(label[:, :-1], data[:, 1:])
        assert (label[:, -1] == 0).all()
        assert batch.provide_data == [('data', data.shape)]
        assert batch.provide_label == [('softmax_label', label.shape)]
    two = [b for b in batches if b.bucket_key == 2][0].data[0]
    rows = sorted(map(tuple, two.tolist()))
    assert rows in ([(1, 0), (7, 8)], [(1, 0), (9, 10)], [(7, 8), (9, 10)])   # padded with 0
    with pytest.raises(StopIteration):
        it.next()


def test_bucket_iter_reset_and_layout():
    # legacy.bucket_iter.{reset,layout}
    it = rnn.BucketSentenceIter(_sentences(), 2, buckets=[3, 5], layout='TN')
    first = [(b.bucket_key, b.data[0].shape) for b in it]
    assert all(shape == (key, 2) for key, shape in first)
    assert it.provide_data == [('data', (5, 2))]
    it.reset()
    assert len(list(it)) == len(first)
    with pytest.warns(UserWarning, match='discarded 1'):
        it = rnn.BucketSentenceIter(_sentences(), 2, buckets=[3])
    assert it.data[0].dtype == np.float32


def test_bucket_iter_auto_buckets_and_discard():
    sents = [[1, 2]] * 4 + [[1, 2, 3]] * 2 + [[1, 2, 3, 4]]
    with pytest.warns(UserWarning, match='discarded 1'):
        it = rnn.BucketSentenceIter(sents, batch_size=2)
    assert it.buckets == [2, 3]
    assert sorted(b.bucket_key for b in it) == [2, 2, 3]
    with pytest.raises(ValueError, match='buckets'):
        rnn.BucketSentenceIter([[1], [1, 2]], batch_size=2)
