/* The classifier's hot loop in C: a call's n-grams as 64-bit keys, and the model's row sums.
 *
 * Optional: engine/kernel.py uses it when it was built, and the pure-Python path of features.py
 * and rows.py otherwise. Both give the same features and bit-identical logits
 * (tests/unit/test_kernel.py checks this on the corpus); the Python path is the reference.
 *
 * key(s)                      the 64-bit key of a gram string: FNV-1a over its code points,
 *                             then a splitmix64 finaliser (never 0, the empty slot)
 * Grams(zh_n, neg, en_neg)    the n-gram enumeration of features.ngrams():
 *   .keys(text, latin, extra) -> bytes: the distinct keys of the text's n-grams, plus `extra`
 *                             (the Chinese negated grams, found in Python by a regex)
 * Table(keys, rows, width, bias)  weight rows by key (linear heads or hidden layer): float64 in, kept as int32 in
 *                             fixed point 2^-16 (rounded half-even, as Python's round())
 *   .logits(keys, cues)       -> list of floats: exactly rows.Rows.sums' fixed-point formula
 *   .set_output(out, out_bias) adds an output layer (int64 weights in 2^-16, width x n_out)
 *   .outputs(keys, cues)      -> list of floats: hidden.HiddenLayer.logits (ReLU of the sums,
 *                             then the output layer in integers)
 * Pairs(pairs)                a set of two-character strings
 *   .starts(text)             -> list of the offsets i where text[i:i+2] is in the set
 * Words(words)                a list of strings of two characters or more
 *   .find(text, first=False)  -> [(i, j)]: word j starts at text[i], by offset, then list order
 *                             (with `first`, only the first word of the list at each offset)
 * en_tokens(text)             text.en_tokens(): re.findall(r"[a-z]+|\d+|[.,;:!?]") on the text
 *                             with its apostrophes removed
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL
#define SCALE 65536          /* rows._SCALE */
#define QSCALE 1024          /* rows._Q */
#define MAX_WIDTH 128        /* outputs per row: the linear heads, or the hidden layer */
#define RELU_MAX 32767.0     /* hidden.RELU_MAX: keeps the integer output product in int64 */
#define OUT_DIV (1.0 / 4294967296.0)  /* 2^-32: hidden unit and output weight, both 2^-16 */

static inline uint64_t feed(uint64_t h, Py_UCS4 c) { return (h ^ (uint64_t)c) * FNV_PRIME; }

static inline uint64_t finish(uint64_t h) {
    h ^= h >> 30; h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27; h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h ? h : 1;
}

static int str_key(PyObject *s, uint64_t *out) {
    if (!PyUnicode_Check(s)) {
        PyErr_SetString(PyExc_TypeError, "a gram must be a str");
        return -1;
    }
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    uint64_t h = FNV_OFFSET;
    for (Py_ssize_t i = 0; i < n; i++) h = feed(h, PyUnicode_READ(kind, data, i));
    *out = finish(h);
    return 0;
}

static PyObject *py_key(PyObject *self, PyObject *s) {
    uint64_t k;
    if (str_key(s, &k) < 0) return NULL;
    return PyLong_FromUnsignedLongLong(k);
}

/* ---- a set of keys (open addressing, linear probing; 0 is the empty slot) ---- */

typedef struct {
    uint64_t *slot;
    size_t mask;
    Py_ssize_t count;
    uint64_t *order;   /* the keys in the order first seen */
} KeySet;

static inline void set_add(KeySet *s, uint64_t k) {
    size_t i = (size_t)k & s->mask;
    while (s->slot[i]) {
        if (s->slot[i] == k) return;
        i = (i + 1) & s->mask;
    }
    s->slot[i] = k;
    s->order[s->count++] = k;
}

/* ---- Grams ---- */

typedef struct {
    PyObject_HEAD
    int zh_n;
    int neg;
    uint64_t *en_neg;   /* keys of the English negators (plain words) */
    Py_ssize_t n_en_neg;
} GramsObject;

static void Grams_dealloc(GramsObject *self) {
    PyMem_Free(self->en_neg);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Grams_init(GramsObject *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"zh_n", "neg", "en_neg", NULL};
    int zh_n, neg;
    PyObject *words;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "ipO", kwlist, &zh_n, &neg, &words)) return -1;
    PyObject *seq = PySequence_Fast(words, "en_neg must be a sequence of str");
    if (!seq) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyMem_Free(self->en_neg);
    self->en_neg = PyMem_Malloc(sizeof(uint64_t) * (n ? n : 1));
    if (!self->en_neg) { Py_DECREF(seq); PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (str_key(PySequence_Fast_GET_ITEM(seq, i), &self->en_neg[i]) < 0) { Py_DECREF(seq); return -1; }
    }
    Py_DECREF(seq);
    self->n_en_neg = n;
    self->zh_n = zh_n;
    self->neg = neg;
    return 0;
}

static inline int is_clause_mark(Py_UCS4 c) {
    return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?';
}

enum { NONE, LETTERS, DIGITS, MARK };

static inline int char_class(Py_UCS4 c) {
    if (c >= 'a' && c <= 'z') return LETTERS;
    if (Py_UNICODE_ISDECIMAL(c)) return DIGITS;
    return is_clause_mark(c) ? MARK : NONE;
}

/* The next token of text.replace("'", "") from offset *i on, as re.findall(r"[a-z]+|\d+|[.,;:!?]")
 * finds it (text.en_tokens): its class (NONE at the end) and its offsets in the text. A word runs
 * across apostrophes, as if they were not there; whoever reads it skips them. */
static int next_token(int kind, const void *data, Py_ssize_t n, Py_ssize_t *i, Py_ssize_t *start, Py_ssize_t *end) {
    for (; *i < n; (*i)++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, *i);
        int cls = c == '\'' ? NONE : char_class(c);
        if (cls == NONE) continue;
        *start = *i;
        *end = ++(*i);
        if (cls == MARK) return MARK;
        for (; *i < n; (*i)++) {
            c = PyUnicode_READ(kind, data, *i);
            if (c == '\'') continue;
            if (char_class(c) != cls) break;
            *end = *i + 1;
        }
        return cls;
    }
    return NONE;
}

/* The words (letters or digits) of the text, as start and end offsets. */
static Py_ssize_t find_words(int kind, const void *data, Py_ssize_t n, Py_ssize_t *start, Py_ssize_t *end) {
    Py_ssize_t count = 0, i = 0;
    int cls;
    while ((cls = next_token(kind, data, n, &i, &start[count], &end[count])) != NONE) {
        if (cls != MARK) count++;
    }
    return count;
}

static inline uint64_t feed_word(uint64_t h, int kind, const void *data, Py_ssize_t s, Py_ssize_t e) {
    for (Py_ssize_t i = s; i < e; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c != '\'') h = feed(h, c);
    }
    return h;
}

static PyObject *Grams_keys(GramsObject *self, PyObject *args) {
    PyObject *text, *extra;
    int latin;
    if (!PyArg_ParseTuple(args, "UpO", &text, &latin, &extra)) return NULL;
    PyObject *ex = PySequence_Fast(extra, "extra must be a sequence of str");
    if (!ex) return NULL;
    Py_ssize_t n_extra = PySequence_Fast_GET_SIZE(ex);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int zh = !PyUnicode_IS_ASCII(text);

    /* Bound on the number of grams: 1..zh_n-grams per character, and per word its word, its pair
     * and up to three negated copies. */
    size_t bound = (size_t)n_extra + 8 + (zh ? (size_t)n * (size_t)(self->zh_n > 0 ? self->zh_n : 1) : 0)
                   + (latin ? (size_t)n * 5 : 0);
    size_t cap = 64;
    while (cap < 2 * bound) cap <<= 1;
    uint64_t stack_slot[1024], stack_order[512];
    Py_ssize_t stack_ws[256], stack_we[256];
    uint64_t *slot = cap <= 1024 ? stack_slot : PyMem_Malloc(cap * sizeof(uint64_t));
    uint64_t *order = bound <= 512 ? stack_order : PyMem_Malloc(bound * sizeof(uint64_t));
    Py_ssize_t *ws = n <= 256 ? stack_ws : PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));
    Py_ssize_t *we = n <= 256 ? stack_we : PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));
    PyObject *result = NULL;
    if (!slot || !order || !ws || !we) { PyErr_NoMemory(); goto done; }
    memset(slot, 0, cap * sizeof(uint64_t));
    KeySet set = {slot, cap - 1, 0, order};

    if (zh) {  /* every character, character pair (and triple) of the whole text */
        for (Py_ssize_t i = 0; i < n; i++) {
            uint64_t h = feed(FNV_OFFSET, PyUnicode_READ(kind, data, i));
            set_add(&set, finish(h));
            for (int k = 1; k < self->zh_n && k < 3 && i + k < n; k++) {  /* as ngrams(): at most 3 */
                h = feed(h, PyUnicode_READ(kind, data, i + k));
                set_add(&set, finish(h));
            }
        }
    }
    if (latin) {  /* "w:" + word, "w:" + word + "_" + next word, "~w:" + the 3 words after a negator */
        Py_ssize_t nw = find_words(kind, data, n, ws, we);
        uint64_t prefix = feed(feed(FNV_OFFSET, 'w'), ':');
        uint64_t neg_prefix = feed(feed(feed(FNV_OFFSET, '~'), 'w'), ':');
        Py_ssize_t neg_until = 0;  /* words before this index follow a negator within 3 words */
        for (Py_ssize_t j = 0; j < nw; j++) {
            uint64_t h = feed_word(prefix, kind, data, ws[j], we[j]);
            set_add(&set, finish(h));
            if (j + 1 < nw) set_add(&set, finish(feed_word(feed(h, '_'), kind, data, ws[j + 1], we[j + 1])));
            if (self->neg) {
                if (j < neg_until) set_add(&set, finish(feed_word(neg_prefix, kind, data, ws[j], we[j])));
                uint64_t plain = finish(feed_word(FNV_OFFSET, kind, data, ws[j], we[j]));
                for (Py_ssize_t m = 0; m < self->n_en_neg; m++) {
                    if (self->en_neg[m] == plain) { neg_until = j + 4; break; }
                }
            }
        }
    }
    for (Py_ssize_t i = 0; i < n_extra; i++) {
        uint64_t k;
        if (str_key(PySequence_Fast_GET_ITEM(ex, i), &k) < 0) goto done;
        set_add(&set, k);
    }
    result = PyBytes_FromStringAndSize((const char *)order, set.count * (Py_ssize_t)sizeof(uint64_t));
done:
    Py_DECREF(ex);
    if (slot != stack_slot) PyMem_Free(slot);
    if (order != stack_order) PyMem_Free(order);
    if (ws != stack_ws) PyMem_Free(ws);
    if (we != stack_we) PyMem_Free(we);
    return result;
}

static PyMethodDef Grams_methods[] = {
    {"keys", (PyCFunction)Grams_keys, METH_VARARGS, "keys(text, latin, extra) -> bytes of distinct uint64 keys"},
    {NULL}
};

static PyTypeObject GramsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_grams.Grams",
    .tp_basicsize = sizeof(GramsObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Grams_init,
    .tp_dealloc = (destructor)Grams_dealloc,
    .tp_methods = Grams_methods,
};

/* ---- Table ---- */

typedef struct {
    uint64_t key;
    uint32_t row;
} Slot;

typedef struct {
    PyObject_HEAD
    Slot *slot;
    size_t mask;
    int32_t *rows;
    double *bias;
    int width;
    int64_t *out;        /* optional output layer: width x n_out, fixed point 2^-16 (rows.Rows) */
    double *out_bias;
    int n_out;
} TableObject;

static void Table_dealloc(TableObject *self) {
    PyMem_Free(self->slot);
    PyMem_Free(self->rows);
    PyMem_Free(self->bias);
    PyMem_Free(self->out);
    PyMem_Free(self->out_bias);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Table_init(TableObject *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"keys", "rows", "width", "bias", NULL};
    Py_buffer keys, rows;
    int width;
    PyObject *bias;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "y*y*iO", kwlist, &keys, &rows, &width, &bias)) return -1;
    int rc = -1;
    Py_ssize_t n = keys.len / (Py_ssize_t)sizeof(uint64_t);
    PyObject *bseq = NULL;
    if (width <= 0 || width > MAX_WIDTH || rows.len != n * width * (Py_ssize_t)sizeof(double)) {
        PyErr_SetString(PyExc_ValueError, "rows must hold width (at most 128) float64 values per key");
        goto out;
    }
    bseq = PySequence_Fast(bias, "bias must be a sequence of float");
    if (!bseq) goto out;
    if (PySequence_Fast_GET_SIZE(bseq) != width) {
        PyErr_SetString(PyExc_ValueError, "bias must have width values");
        goto out;
    }
    size_t cap = 16;
    while (cap < 2 * (size_t)n) cap <<= 1;
    PyMem_Free(self->slot); PyMem_Free(self->rows); PyMem_Free(self->bias);
    self->slot = PyMem_Calloc(cap, sizeof(Slot));
    self->rows = PyMem_Malloc(n * width * sizeof(int32_t) + 1);
    self->bias = PyMem_Malloc(width * sizeof(double));
    if (!self->slot || !self->rows || !self->bias) { PyErr_NoMemory(); goto out; }
    const double *w = rows.buf;
    for (Py_ssize_t j = 0; j < n * width; j++) {
        double v = nearbyint(w[j] * SCALE);  /* round(float(v) * 2^16) */
        if (!(v >= INT32_MIN && v <= INT32_MAX)) {
            PyErr_SetString(PyExc_OverflowError, "a weight is too large for the fixed point");
            goto out;
        }
        self->rows[j] = (int32_t)v;
    }
    for (int k = 0; k < width; k++) {
        self->bias[k] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(bseq, k));
        if (PyErr_Occurred()) goto out;
    }
    self->mask = cap - 1;
    self->width = width;
    const uint64_t *kk = keys.buf;
    for (Py_ssize_t r = 0; r < n; r++) {
        uint64_t k = kk[r];
        size_t i = (size_t)k & self->mask;
        while (self->slot[i].key) {
            if (self->slot[i].key == k) {
                PyErr_Format(PyExc_ValueError, "two features share the key %llu", (unsigned long long)k);
                goto out;
            }
            i = (i + 1) & self->mask;
        }
        self->slot[i].key = k ? k : 1;
        self->slot[i].row = (uint32_t)r;
    }
    rc = 0;
out:
    Py_XDECREF(bseq);
    PyBuffer_Release(&keys);
    PyBuffer_Release(&rows);
    return rc;
}

static inline const int32_t *table_row(TableObject *t, uint64_t k) {
    size_t i = (size_t)k & t->mask;
    while (t->slot[i].key) {
        if (t->slot[i].key == k) return t->rows + (size_t)t->slot[i].row * t->width;
        i = (i + 1) & t->mask;
    }
    return NULL;
}

/* The row sums of a call: rows.Rows.sums' fixed-point formula, into z[0..width). 0 or -1 (error). */
static int table_sums(TableObject *self, Py_buffer *keys, PyObject *cues, double *z) {
    int w = self->width;
    int64_t gsum[MAX_WIDTH] = {0}, csum[MAX_WIDTH] = {0};
    PyObject *it = NULL, *cue;
    Py_ssize_t n = keys->len / (Py_ssize_t)sizeof(uint64_t);
    const uint64_t *kk = keys->buf;
    /* Rows are scattered over a table far larger than the cache: find a batch of them first and
     * ask for their memory, then add them up, so that the waits overlap instead of queueing. */
    const int32_t *batch[32];
    for (Py_ssize_t j0 = 0; j0 < n; j0 += 32) {
        int m = 0;
        for (Py_ssize_t j = j0; j < n && j < j0 + 32; j++) {
            const int32_t *row = table_row(self, kk[j]);
            if (row) {
                for (int b = 0; b < w; b += 16) __builtin_prefetch(row + b);
                batch[m++] = row;
            }
        }
        for (int i = 0; i < m; i++) {
            const int32_t *row = batch[i];
            for (int k = 0; k < w; k++) gsum[k] += row[k];
        }
    }
    it = PyObject_GetIter(cues);
    if (!it) return -1;
    while ((cue = PyIter_Next(it))) {
        uint64_t k;
        int bad = str_key(cue, &k);
        Py_DECREF(cue);
        if (bad < 0) { Py_DECREF(it); return -1; }
        const int32_t *row = table_row(self, k);
        if (row) for (int m = 0; m < w; m++) csum[m] += row[m];
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) return -1;
    /* grams weigh 1/sqrt(n), in fixed point q = round(1024 sqrt(n)) */
    if (n) {
        int64_t q = (int64_t)nearbyint(QSCALE * sqrt((double)n));
        double div = 1.0 / (double)((int64_t)SCALE * q);
        for (int k = 0; k < w; k++) z[k] = self->bias[k] + (double)(gsum[k] * QSCALE + csum[k] * q) * div;
    } else {
        double div = 1.0 / (double)SCALE;
        for (int k = 0; k < w; k++) z[k] = self->bias[k] + (double)csum[k] * div;
    }
    return 0;
}

static PyObject *float_list(const double *v, int n) {
    PyObject *result = PyList_New(n);
    if (!result) return NULL;
    for (int k = 0; k < n; k++) {
        PyObject *f = PyFloat_FromDouble(v[k]);
        if (!f) { Py_DECREF(result); return NULL; }
        PyList_SET_ITEM(result, k, f);
    }
    return result;
}

static PyObject *Table_logits(TableObject *self, PyObject *args) {
    Py_buffer keys;
    PyObject *cues, *result = NULL;
    double z[MAX_WIDTH];
    if (!PyArg_ParseTuple(args, "y*O", &keys, &cues)) return NULL;
    if (table_sums(self, &keys, cues, z) == 0) result = float_list(z, self->width);
    PyBuffer_Release(&keys);
    return result;
}

/* hidden.HiddenLayer.logits: relu of the row sums in fixed point 2^-16 (clamped at RELU_MAX),
 * an exact integer product with the output layer, then out_bias + product * 2^-32. */
static PyObject *Table_outputs(TableObject *self, PyObject *args) {
    Py_buffer keys;
    PyObject *cues, *result = NULL;
    double z[MAX_WIDTH], o[MAX_WIDTH];
    if (!PyArg_ParseTuple(args, "y*O", &keys, &cues)) return NULL;
    if (!self->out) {
        PyErr_SetString(PyExc_ValueError, "this table has no output layer");
        goto out;
    }
    if (table_sums(self, &keys, cues, z) < 0) goto out;
    int64_t acc[MAX_WIDTH] = {0};
    for (int i = 0; i < self->width; i++) {
        if (!(z[i] > 0.0)) continue;
        double v = z[i] < RELU_MAX ? z[i] : RELU_MAX;
        int64_t h = (int64_t)nearbyint(v * SCALE);
        const int64_t *wrow = self->out + (size_t)i * self->n_out;
        for (int j = 0; j < self->n_out; j++) acc[j] += h * wrow[j];
    }
    for (int j = 0; j < self->n_out; j++) o[j] = self->out_bias[j] + (double)acc[j] * OUT_DIV;
    result = float_list(o, self->n_out);
out:
    PyBuffer_Release(&keys);
    return result;
}

/* set_output(out, out_bias): out is bytes of int64, width x n_out (row i: hidden unit i) */
static PyObject *Table_set_output(TableObject *self, PyObject *args) {
    Py_buffer out;
    PyObject *bias, *bseq = NULL, *result = NULL;
    if (!PyArg_ParseTuple(args, "y*O", &out, &bias)) return NULL;
    bseq = PySequence_Fast(bias, "out_bias must be a sequence of float");
    if (!bseq) goto done;
    Py_ssize_t n_out = PySequence_Fast_GET_SIZE(bseq);
    if (n_out <= 0 || n_out > MAX_WIDTH || out.len != (Py_ssize_t)self->width * n_out * (Py_ssize_t)sizeof(int64_t)) {
        PyErr_SetString(PyExc_ValueError, "out must hold width x len(out_bias) int64 values");
        goto done;
    }
    int64_t *w = PyMem_Malloc(out.len);
    double *b = PyMem_Malloc(n_out * sizeof(double));
    if (!w || !b) { PyMem_Free(w); PyMem_Free(b); PyErr_NoMemory(); goto done; }
    memcpy(w, out.buf, out.len);
    for (Py_ssize_t j = 0; j < n_out; j++) {
        b[j] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(bseq, j));
        if (PyErr_Occurred()) { PyMem_Free(w); PyMem_Free(b); goto done; }
    }
    PyMem_Free(self->out); PyMem_Free(self->out_bias);
    self->out = w; self->out_bias = b; self->n_out = (int)n_out;
    result = Py_None; Py_INCREF(result);
done:
    Py_XDECREF(bseq);
    PyBuffer_Release(&out);
    return result;
}

static PyMethodDef Table_methods[] = {
    {"logits", (PyCFunction)Table_logits, METH_VARARGS, "logits(keys, cues) -> list of float"},
    {"outputs", (PyCFunction)Table_outputs, METH_VARARGS, "outputs(keys, cues) -> the output layer's list of float"},
    {"set_output", (PyCFunction)Table_set_output, METH_VARARGS, "set_output(out, out_bias): add an output layer"},
    {NULL}
};

static PyTypeObject TableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_grams.Table",
    .tp_basicsize = sizeof(TableObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Table_init,
    .tp_dealloc = (destructor)Table_dealloc,
    .tp_methods = Table_methods,
};

/* ---- Pairs ---- */

typedef struct {
    PyObject_HEAD
    uint64_t *slot;
    size_t mask;
} PairsObject;

static inline uint64_t pair_key(Py_UCS4 a, Py_UCS4 b) { return (((uint64_t)a << 21) | (uint64_t)b) + 1; }

static inline int pairs_has(PairsObject *p, uint64_t k) {
    size_t i = (size_t)((k * 0x9e3779b97f4a7c15ULL) >> 20) & p->mask;
    while (p->slot[i]) {
        if (p->slot[i] == k) return 1;
        i = (i + 1) & p->mask;
    }
    return 0;
}

static void Pairs_dealloc(PairsObject *self) {
    PyMem_Free(self->slot);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Pairs_init(PairsObject *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"pairs", NULL};
    PyObject *pairs;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O", kwlist, &pairs)) return -1;
    PyObject *seq = PySequence_Fast(pairs, "pairs must be a sequence of two-character str");
    if (!seq) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    size_t cap = 16;
    while (cap < 4 * (size_t)n) cap <<= 1;
    PyMem_Free(self->slot);
    self->slot = PyMem_Calloc(cap, sizeof(uint64_t));
    if (!self->slot) { Py_DECREF(seq); PyErr_NoMemory(); return -1; }
    self->mask = cap - 1;
    for (Py_ssize_t j = 0; j < n; j++) {
        PyObject *s = PySequence_Fast_GET_ITEM(seq, j);
        if (!PyUnicode_Check(s) || PyUnicode_GET_LENGTH(s) != 2) {
            Py_DECREF(seq);
            PyErr_SetString(PyExc_ValueError, "pairs must be two-character str");
            return -1;
        }
        uint64_t k = pair_key(PyUnicode_READ_CHAR(s, 0), PyUnicode_READ_CHAR(s, 1));
        if (pairs_has(self, k)) continue;
        size_t i = (size_t)((k * 0x9e3779b97f4a7c15ULL) >> 20) & self->mask;
        while (self->slot[i]) i = (i + 1) & self->mask;
        self->slot[i] = k;
    }
    Py_DECREF(seq);
    return 0;
}

static PyObject *Pairs_starts(PairsObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) { PyErr_SetString(PyExc_TypeError, "text must be a str"); return NULL; }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *out = PyList_New(0);
    if (!out || n < 2) return out;
    Py_UCS4 prev = PyUnicode_READ(kind, data, 0);
    for (Py_ssize_t i = 1; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (pairs_has(self, pair_key(prev, c))) {
            PyObject *pos = PyLong_FromSsize_t(i - 1);
            if (!pos || PyList_Append(out, pos) < 0) { Py_XDECREF(pos); Py_DECREF(out); return NULL; }
            Py_DECREF(pos);
        }
        prev = c;
    }
    return out;
}

static PyMethodDef Pairs_methods[] = {
    {"starts", (PyCFunction)Pairs_starts, METH_O, "starts(text) -> offsets where a pair of the set starts"},
    {NULL}
};

static PyTypeObject PairsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_grams.Pairs",
    .tp_basicsize = sizeof(PairsObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Pairs_init,
    .tp_dealloc = (destructor)Pairs_dealloc,
    .tp_methods = Pairs_methods,
};

/* ---- Words ---- */

typedef struct {
    PyObject_HEAD
    uint64_t *slot;        /* pair key of the words' first two characters, 0: empty */
    Py_ssize_t *first;     /* per slot: where its words start in `order` */
    Py_ssize_t *count;     /* per slot: how many words start with that pair */
    Py_ssize_t *order;     /* word indices grouped by first pair, in the list's order */
    Py_UCS4 *buf;          /* every word's code points */
    Py_ssize_t *off, *len; /* per word: where it starts in `buf`, its length */
    Py_ssize_t n;
    size_t mask;
} WordsObject;

static void Words_free(WordsObject *self) {
    PyMem_Free(self->slot); PyMem_Free(self->first); PyMem_Free(self->count); PyMem_Free(self->order);
    PyMem_Free(self->buf); PyMem_Free(self->off); PyMem_Free(self->len);
    self->slot = NULL; self->first = self->count = self->order = self->off = self->len = NULL; self->buf = NULL;
}

static void Words_dealloc(WordsObject *self) {
    Words_free(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static inline Py_ssize_t words_slot(WordsObject *w, uint64_t k) {
    size_t i = (size_t)((k * 0x9e3779b97f4a7c15ULL) >> 20) & w->mask;
    while (w->slot[i]) {
        if (w->slot[i] == k) return (Py_ssize_t)i;
        i = (i + 1) & w->mask;
    }
    return -1 - (Py_ssize_t)i;  /* not there: where it would go */
}

static int Words_init(WordsObject *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"words", NULL};
    PyObject *words;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O", kwlist, &words)) return -1;
    PyObject *seq = PySequence_Fast(words, "words must be a sequence of str");
    if (!seq) return -1;
    Words_free(self);
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq), total = 0;
    for (Py_ssize_t j = 0; j < n; j++) {
        PyObject *s = PySequence_Fast_GET_ITEM(seq, j);
        if (!PyUnicode_Check(s) || PyUnicode_GET_LENGTH(s) < 2) {
            Py_DECREF(seq);
            PyErr_SetString(PyExc_ValueError, "words must be str of two characters or more");
            return -1;
        }
        total += PyUnicode_GET_LENGTH(s);
    }
    size_t cap = 16;
    while (cap < 4 * (size_t)n) cap <<= 1;
    self->n = n;
    self->mask = cap - 1;
    self->slot = PyMem_Calloc(cap, sizeof(uint64_t));
    self->first = PyMem_Calloc(cap, sizeof(Py_ssize_t));
    self->count = PyMem_Calloc(cap, sizeof(Py_ssize_t));
    self->order = PyMem_Calloc(n + 1, sizeof(Py_ssize_t));
    self->buf = PyMem_Calloc(total + 1, sizeof(Py_UCS4));
    self->off = PyMem_Calloc(n + 1, sizeof(Py_ssize_t));
    self->len = PyMem_Calloc(n + 1, sizeof(Py_ssize_t));
    if (!self->slot || !self->first || !self->count || !self->order || !self->buf || !self->off || !self->len) {
        Py_DECREF(seq); Words_free(self); PyErr_NoMemory(); return -1;
    }
    Py_ssize_t at = 0;
    for (Py_ssize_t j = 0; j < n; j++) {
        PyObject *s = PySequence_Fast_GET_ITEM(seq, j);
        Py_ssize_t m = PyUnicode_GET_LENGTH(s);
        self->off[j] = at;
        self->len[j] = m;
        for (Py_ssize_t c = 0; c < m; c++) self->buf[at + c] = PyUnicode_READ_CHAR(s, c);
        at += m;
        uint64_t k = pair_key(self->buf[self->off[j]], self->buf[self->off[j] + 1]);
        Py_ssize_t i = words_slot(self, k);
        if (i < 0) { i = -1 - i; self->slot[i] = k; }
        self->count[i]++;
    }
    Py_ssize_t next = 0;
    for (size_t i = 0; i <= self->mask; i++) {
        self->first[i] = next;
        next += self->count[i];
        self->count[i] = 0;
    }
    for (Py_ssize_t j = 0; j < n; j++) {  /* in list order within each pair */
        Py_ssize_t i = words_slot(self, pair_key(self->buf[self->off[j]], self->buf[self->off[j] + 1]));
        self->order[self->first[i] + self->count[i]++] = j;
    }
    Py_DECREF(seq);
    return 0;
}

static PyObject *Words_find(WordsObject *self, PyObject *args) {
    PyObject *text;
    int first_only = 0;
    if (!PyArg_ParseTuple(args, "U|p", &text, &first_only)) return NULL;
    if (!self->slot) { PyErr_SetString(PyExc_ValueError, "Words not initialised"); return NULL; }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *out = PyList_New(0);
    if (!out || n < 2) return out;
    for (Py_ssize_t i = 0; i + 1 < n; i++) {
        Py_ssize_t s = words_slot(self, pair_key(PyUnicode_READ(kind, data, i), PyUnicode_READ(kind, data, i + 1)));
        if (s < 0) continue;
        for (Py_ssize_t q = self->first[s], end = q + self->count[s]; q < end; q++) {
            Py_ssize_t j = self->order[q], m = self->len[j];
            if (i + m > n) continue;
            const Py_UCS4 *w = self->buf + self->off[j];
            Py_ssize_t c = 2;
            while (c < m && PyUnicode_READ(kind, data, i + c) == w[c]) c++;
            if (c < m) continue;
            PyObject *hit = Py_BuildValue("(nn)", i, j);
            if (!hit || PyList_Append(out, hit) < 0) { Py_XDECREF(hit); Py_DECREF(out); return NULL; }
            Py_DECREF(hit);
            if (first_only) break;
        }
    }
    return out;
}

static PyMethodDef Words_methods[] = {
    {"find", (PyCFunction)Words_find, METH_VARARGS,
     "find(text, first=False) -> [(offset, word index)] of every word found, by offset, then list order"},
    {NULL}
};

static PyTypeObject WordsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_grams.Words",
    .tp_basicsize = sizeof(WordsObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Words_init,
    .tp_dealloc = (destructor)Words_dealloc,
    .tp_methods = Words_methods,
};

/* ---- en_tokens ---- */

static PyObject *py_en_tokens(PyObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) { PyErr_SetString(PyExc_TypeError, "text must be a str"); return NULL; }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_UCS4 stack[256];
    Py_UCS4 *buf = n <= 256 ? stack : PyMem_Malloc(n * sizeof(Py_UCS4));
    PyObject *out = PyList_New(0);
    if (!buf || !out) { Py_XDECREF(out); if (buf && buf != stack) PyMem_Free(buf); return PyErr_NoMemory(); }
    Py_ssize_t i = 0, start, end;
    while (next_token(kind, data, n, &i, &start, &end) != NONE) {
        Py_ssize_t len = 0;
        for (Py_ssize_t j = start; j < end; j++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, j);
            if (c != '\'') buf[len++] = c;
        }
        PyObject *tok = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, len);
        if (!tok || PyList_Append(out, tok) < 0) {
            Py_XDECREF(tok);
            Py_CLEAR(out);
            break;
        }
        Py_DECREF(tok);
    }
    if (buf != stack) PyMem_Free(buf);
    return out;
}

static PyMethodDef module_methods[] = {
    {"key", py_key, METH_O, "key(gram) -> the 64-bit key of a gram string"},
    {"en_tokens", py_en_tokens, METH_O, "en_tokens(text) -> English words, numbers and clause marks"},
    {NULL}
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_grams", NULL, -1, module_methods};

PyMODINIT_FUNC PyInit__grams(void) {
    if (PyType_Ready(&GramsType) < 0 || PyType_Ready(&TableType) < 0 || PyType_Ready(&PairsType) < 0 ||
        PyType_Ready(&WordsType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&GramsType);
    Py_INCREF(&TableType);
    Py_INCREF(&PairsType);
    Py_INCREF(&WordsType);
    if (PyModule_AddObject(m, "Grams", (PyObject *)&GramsType) < 0 ||
        PyModule_AddObject(m, "Table", (PyObject *)&TableType) < 0 ||
        PyModule_AddObject(m, "Pairs", (PyObject *)&PairsType) < 0 ||
        PyModule_AddObject(m, "Words", (PyObject *)&WordsType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
