"""Text helpers of the legacy API: encode_sentences and BucketSentenceIter (numpy only)."""
import bisect
import numbers
import warnings

import numpy as np

from ..gluon import random as _random

__all__ = ['encode_sentences', 'BucketSentenceIter', 'DataBatch']


def encode_sentences(sentences, vocab=None, invalid_label=-1, invalid_key='\n', start_label=0,
                     *, unknown_token=None):
    """Encode tokenised sentences as integer lists: ``(encoded, vocab)``.

    With ``vocab=None`` a vocabulary is built: ``{invalid_key: invalid_label}``
    plus every new token, numbered from ``start_label`` upwards in order of
    first appearance, skipping ``invalid_label``. With a given ``vocab`` (a
    dict, updated in place) a token missing from it is an error, unless
    ``unknown_token`` (fusedrnn extension, as in MXNet 1.x) names the token
    to use instead; that token is added to ``vocab`` if absent.
    """
    if vocab is None:
        vocab = {invalid_key: invalid_label}
        building = True
    else:
        if not isinstance(vocab, dict):
            raise TypeError('vocab must be a dict of str -> int or None, got %s'
                            % type(vocab).__name__)
        building = False
    next_index = [start_label]
    taken = set(vocab.values())

    def new_index():
        idx = next_index[0]
        while idx == invalid_label or idx in taken:
            idx += 1
        next_index[0] = idx + 1
        taken.add(idx)
        return idx

    result = []
    for sentence in sentences:
        if isinstance(sentence, str):
            raise TypeError('each sentence must be a list of string tokens, got the string %r'
                            % (sentence[:40],))
        coded = []
        for word in sentence:
            if word not in vocab:
                if building:
                    vocab[word] = new_index()
                elif unknown_token is not None:
                    if unknown_token not in vocab:
                        vocab[unknown_token] = new_index()
                    word = unknown_token
                else:
                    raise ValueError('unknown token %r: it is not in the vocab given. Pass '
                                     'vocab=None to build a vocabulary, or unknown_token= to '
                                     'map unknown tokens to one entry' % (word,))
            coded.append(vocab[word])
        result.append(coded)
    return result, vocab


class DataBatch:
    """One batch: ``data`` and ``label`` (lists of one numpy array each), ``bucket_key``,
    ``provide_data`` / ``provide_label`` (``[(name, shape)]``), ``pad`` (always 0)."""

    __slots__ = ('data', 'label', 'bucket_key', 'provide_data', 'provide_label', 'pad', 'index')

    def __init__(self, data, label, bucket_key=None, provide_data=None, provide_label=None,
                 pad=0, index=None):
        self.data = data
        self.label = label
        self.bucket_key = bucket_key
        self.provide_data = provide_data
        self.provide_label = provide_label
        self.pad = pad
        self.index = index

    def __repr__(self):
        return 'DataBatch(bucket_key=%r, data=%s, label=%s)' % (
            self.bucket_key, [d.shape for d in self.data], [l.shape for l in self.label])


class BucketSentenceIter:
    """Batches of encoded sentences grouped by length, for language models.

    Each sentence goes to the smallest bucket at least as long (longer ones
    are dropped with a warning) and is padded with ``invalid_label``. The
    label is the data shifted left by one step, ending with
    ``invalid_label``. ``buckets=None`` makes one bucket per sentence length
    shared by at least ``batch_size`` sentences. ``layout`` 'NT' gives
    (batch_size, length) batches, 'TN' (length, batch_size) ('NTC'/'TNC'
    are accepted too). :meth:`reset` (also run at construction) shuffles
    the batch order and the sentences in each bucket, drawing from
    :func:`fusedrnn.gluon.random.generator`.
    """

    def __init__(self, sentences, batch_size, buckets=None, invalid_label=-1, data_name='data',
                 label_name='softmax_label', dtype='float32', layout='NT'):
        if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) \
                or batch_size < 1:
            raise ValueError('batch_size must be a positive integer, got %r' % (batch_size,))
        sentences = [list(s) for s in sentences]
        if not buckets:
            counts = np.bincount([len(s) for s in sentences]) if sentences else []
            buckets = [length for length, n in enumerate(counts) if n >= batch_size and length]
            if not buckets:
                raise ValueError('no sentence length is shared by batch_size=%d sentences; '
                                 'give buckets explicitly' % batch_size)
        buckets = sorted(int(b) for b in buckets)
        if layout not in ('NT', 'TN', 'NTC', 'TNC'):
            raise ValueError("layout must be 'NT' (batch major) or 'TN' (time major), got %r"
                             % (layout,))
        self.batch_size = int(batch_size)
        self.buckets = buckets
        self.data_name = data_name
        self.label_name = label_name
        self.dtype = np.dtype(dtype)
        self.invalid_label = invalid_label
        self.layout = layout
        self.major_axis = layout.find('N')
        self.default_bucket_key = max(buckets)

        rows = [[] for _ in buckets]
        discarded = 0
        for sentence in sentences:
            b = bisect.bisect_left(buckets, len(sentence))
            if b == len(buckets):
                discarded += 1
                continue
            row = np.full((buckets[b],), invalid_label, dtype=self.dtype)
            row[:len(sentence)] = sentence
            rows[b].append(row)
        if discarded:
            warnings.warn('BucketSentenceIter discarded %d sentence(s) longer than the largest '
                          'bucket (%d)' % (discarded, buckets[-1]), stacklevel=2)
        self.data = [np.array(r, dtype=self.dtype).reshape(len(r), length)
                     for r, length in zip(rows, buckets)]

        shape = self._shape(self.default_bucket_key)
        self.provide_data = [(data_name, shape)]
        self.provide_label = [(label_name, shape)]
        self.idx = [(i, j) for i, bucket in enumerate(self.data)
                    for j in range(0, len(bucket) - self.batch_size + 1, self.batch_size)]
        self.curr_idx = 0
        self.nddata, self.ndlabel = [], []
        self.reset()

    def _shape(self, length):
        if self.major_axis == 0:
            return (self.batch_size, length)
        return (length, self.batch_size)

    def reset(self):
        """Back to the first batch, with a fresh shuffle."""
        gen = _random.generator()
        self.curr_idx = 0
        order = gen.permutation(len(self.idx)) if self.idx else []
        self.idx = [self.idx[k] for k in order]
        for bucket in self.data:
            gen.shuffle(bucket, axis=0)
        self.nddata, self.ndlabel = [], []
        for bucket in self.data:
            label = np.empty_like(bucket)
            label[:, :-1] = bucket[:, 1:]
            label[:, -1] = self.invalid_label
            self.nddata.append(bucket)
            self.ndlabel.append(label)

    def next(self):
        """The next :class:`DataBatch`; StopIteration at the end (call :meth:`reset`)."""
        if self.curr_idx == len(self.idx):
            raise StopIteration
        i, j = self.idx[self.curr_idx]
        self.curr_idx += 1
        data = self.nddata[i][j:j + self.batch_size]
        label = self.ndlabel[i][j:j + self.batch_size]
        if self.major_axis == 1:
            data, label = data.T, label.T
        data, label = np.ascontiguousarray(data), np.ascontiguousarray(label)
        return DataBatch([data], [label], bucket_key=self.buckets[i],
                         provide_data=[(self.data_name, data.shape)],
                         provide_label=[(self.label_name, label.shape)])

    __next__ = next

    def __iter__(self):
        return self
