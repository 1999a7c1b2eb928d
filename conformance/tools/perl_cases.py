"""The perl-level cases (cases/perl_*.json): Perl code run by the perl adapter.

Each case's config holds `code`, the body of a Perl sub run by the perl adapter with the
case's inputs in `%in` (PDLs, dims the C shape reversed) and AI::FusedRNN::Gluon(::RNN),
PDL and the helpers T (a JSON boolean), dies (the message a code ref dies with, or undef)
and dims (a PDL's dims) loaded; the list it returns is the case's results
(docs/conformance-protocol.md, "The perl level"). Numeric cases also carry the equivalent
script `actions`, from which the runner's NumPy reference computes the expected values.
Expectations are written from the claims in claims/perl.json and the perl disc.* claims.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gluon_cases as gc  # noqa: E402

OUT = []
LAYERS = ("RNN", "LSTM", "GRU")
KEY = {"RNN": "rnn", "LSTM": "lstm", "GRU": "gru"}
CELLNAME = {"RNN": "RNNCell", "LSTM": "LSTMCell", "GRU": "GRUCell"}
G = {"RNN": 1, "LSTM": 4, "GRU": 3}
NSTATES = {"RNN": 1, "LSTM": 2, "GRU": 1}


def _case(cid, claims, tags, desc, kind, code, **extra):
    config = {"code": code.strip()}
    if "actions" in extra:
        config["actions"] = extra.pop("actions")
    c = {"id": cid, "claims": sorted(set(claims)), "level": "perl", "tags": sorted(set(tags)),
         "description": desc, "config": config, "kind": kind}
    c.update(extra)
    OUT.append(c)
    return c


def results(cid, claims, tags, desc, code, expect, gen=None):
    kw = {"query": "results", "expect": expect}
    if gen:       # float32, the blocks' default dtype
        kw["generate"] = {"seed": gc.seed_of(cid), "distributions": gen}
        kw["dtypes"] = ["float32"]
    return _case(cid, claims, tags, desc, "attribute", code, **kw)


def checks(cid, claims, tags, desc, code, rels, gen=None):
    kw = {"query": "checks", "expect": True, "checks": rels}
    if gen:
        kw["generate"] = {"seed": gc.seed_of(cid), "distributions": gen}
        kw["dtypes"] = ["float32"]
    return _case(cid, claims, tags, desc, "attribute", code, **kw)


def dies(cid, claims, tags, desc, code, frag=None):
    e = {"type": "die"}
    if frag:
        e["message_contains"] = frag
    return _case(cid, claims, sorted(set(tags) | {"validation"}), desc, "error", code, expect_error=e)


def numeric(cid, claims, tags, desc, code, actions, outputs, gen, dtypes=("float64", "float32")):
    for dt in dtypes:
        sfx = "f64" if dt == "float64" else "f32"
        _case(f"{cid}.{sfx}", claims, set(tags) | {sfx}, desc, "numeric", code,
              actions=json.loads(json.dumps(actions)), dtypes=[dt], outputs=outputs,
              tolerance={dt: gc.TOL[dt]}, expected={"from": "reference"},
              generate={"seed": gc.seed_of(cid), "distributions": gen})


def perl_lit(v):
    if v is None:
        return "undef"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v) + "'"


# ---- constructor arguments, per layer class ------------------------------------

def _signatures():
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from harness.gluon_reference import SIGNATURES
    return {k: SIGNATURES[k]["positional"] for k in LAYERS}


def layer_param_cases(sigs):
    # name -> (value, observer of $b, [expect for positional, named, default], needs input_size, tags)
    init_obs = ("do { $b->initialize; my $d = $b->collect_params->param($b->prefix . 'l0_{p}')->data; "
                "[$d->minmax] }")
    for K in LAYERS:
        k = KEY[K]
        order = [p[0] for p in sigs[K]]
        defaults = {p[0]: (p[1] if len(p) > 1 else None) for p in sigs[K]}
        obs = {
            "num_layers": (2, "$b->state_info(1)->[0]{shape}[0]", [2, 2, 1]),
            "activation": ("tanh", "($b->unfuse->repr =~ /\\b(relu|tanh)\\b/)[0]", ["tanh", "tanh", "relu"]),
            "layout": ("NTC", "($b->repr =~ /\\b(TNC|NTC)\\b/)[0]", ["NTC", "NTC", "TNC"]),
            "dropout": (0.5, "($b->repr =~ /dropout=([0-9.]+)/ ? 0 + $1 : 0)", [0.5, 0.5, 0]),
            "bidirectional": (1, "$b->state_info(1)->[0]{shape}[0]", [2, 2, 1]),
            "input_size": (3, "($b->repr =~ /\\((\\S+) ->/)[0]", ["3", "3", "None"]),
            "i2h_weight_initializer": ("ones", init_obs.replace("{p}", "i2h_weight"), [[1, 1], [1, 1], "$any"]),
            "h2h_weight_initializer": ("ones", init_obs.replace("{p}", "h2h_weight"), [[1, 1], [1, 1], "$any"]),
            "i2h_bias_initializer": ("ones", init_obs.replace("{p}", "i2h_bias"), [[1, 1], [1, 1], [0, 0]]),
            "h2h_bias_initializer": ("ones", init_obs.replace("{p}", "h2h_bias"), [[1, 1], [1, 1], [0, 0]]),
            "projection_size": (2, "$b->state_info(1)->[0]{shape}[2]", [2, 2, 4]),
            "h2r_weight_initializer": ("ones", init_obs.replace("{p}", "h2r_weight"), [[1, 1], [1, 1], "$any"]),
            "dtype": ("float64", "$b->state_info(1)->[0]{dtype}", ["float64", "float64", "float32"]),
        }
        for name in order[1:]:
            if name not in obs:
                continue
            value, ob, expect = obs[name]
            idx = order.index(name)
            pos = [4]
            for n in order[1:idx]:
                d = defaults[n]
                pos.append(3 if n == "input_size" else 2 if (n == "projection_size" and name == "h2r_weight_initializer")
                           else d)
            pos.append(value)
            extra = []
            if "input_size" not in order[:idx + 1]:
                extra.append("input_size => 3")
            if name == "h2r_weight_initializer" and "projection_size" not in order[:idx + 1]:
                extra.append("projection_size => 2")
            ex = "".join(", " + e for e in extra)
            named_extra = ("" if name == "input_size" else ", input_size => 3") + (
                ", projection_size => 2" if name == "h2r_weight_initializer" else "")
            if name == "h2r_weight_initializer":
                default_extra = ", input_size => 3, projection_size => 2"
            elif name == "input_size":
                default_extra = ""
            else:
                default_extra = ", input_size => 3"
            code = (f"my $c = 'AI::FusedRNN::Gluon::RNN::{K}';\n"
                    f"my @b = ($c->new({', '.join(perl_lit(v) for v in pos)}{ex}),\n"
                    f"         $c->new(4, {name} => {perl_lit(value)}{named_extra}),\n"
                    f"         $c->new(4{default_extra}));\n"
                    f"map {{ my $b = $_; {ob} }} @b")
            claims = [f"perl.{k}.param.{name}"]
            if f"perl.{k}.default.{name}" in CLAIM_IDS:
                claims.append(f"perl.{k}.default.{name}")
            if name in ("projection_size", "h2r_weight_initializer", "dtype") and K == "LSTM":
                claims += ["perl.lstm.options.beyond_pod", "disc.perl_pod_omits_lstm_options"]
            if name == "activation":
                claims.append("disc.perl_rnn_activation_default")
            if name == "i2h_bias_initializer" and K == "LSTM":
                claims.append("disc.perl_lstm_bias_init_doc_vs_code")
            claims = [c for c in claims if c in CLAIM_IDS] or ["perl.semantics.same"]   # e.g. RNN/GRU dtype
            results(f"perl.{k}.param.{name}", claims, [k, "constructor", "signature"],
                    f"{K}: {name} given as positional argument {idx + 1} (Python's order) and as {name} => "
                    f"{perl_lit(value)} has the same effect; left out it takes the default.", code,
                    expect)
        # hidden_size: required, first
        results(f"perl.{k}.param.hidden_size", [f"perl.{k}.param.hidden_size"], [k, "constructor"],
                f"{K}: hidden_size is the first positional argument, may be named, and is required.",
                f"my $c = 'AI::FusedRNN::Gluon::RNN::{K}';\n"
                f"(($c->new(7)->repr =~ /-> (\\d+)/)[0], ($c->new(hidden_size => 7)->repr =~ /-> (\\d+)/)[0],\n"
                f" T(dies(sub {{ $c->new() }}) =~ /hidden_size/))",
                ["7", "7", True])
        # prefix and params: by name (Python's layers take them as keywords)
        results(f"perl.{k}.param.prefix", [f"perl.{k}.param.prefix"], [k, "constructor", "naming"],
                f"{K}: prefix => 'foo_' names the block and its parameters; without it the prefix is '{k}0_'.",
                f"my $b = gluon->rnn->{K}(4, prefix => 'foo_', input_size => 3);\n"
                f"my $d = gluon->rnn->{K}(4);\n"
                f"($b->prefix, ($b->collect_params->keys)[0], $d->prefix)",
                ["foo_", "foo_l0_i2h_weight", f"{k}0_"])
        results(f"perl.{k}.param.params", [f"perl.{k}.param.params"], [k, "constructor", "sharing"],
                f"{K}: params => $other->collect_params shares the other block's Parameter objects, so both "
                "give the same output.",
                f"my $a = gluon->rnn->{K}(4, input_size => 2); $a->initialize;\n"
                f"my $b = gluon->rnn->{K}(4, input_size => 2, params => $a->collect_params);\n"
                "my $k = $a->prefix . 'l0_i2h_weight';\n"
                "(T(Scalar::Util::refaddr($a->collect_params->param($k)) == Scalar::Util::refaddr($b->collect_params->param($k))),\n"
                " T(PDL::all($a->($in{x}) == $b->($in{x}))))",
                [True, True], gen={"x": gc.U([4, 2, 2])})
        # the whole Python positional order at once
        full = {"num_layers": 2, "activation": "tanh", "layout": "NTC", "dropout": 0.25, "bidirectional": 1,
                "input_size": 3, "i2h_weight_initializer": "ones", "h2h_weight_initializer": "zeros",
                "i2h_bias_initializer": "ones", "h2h_bias_initializer": "zeros", "projection_size": 2,
                "h2r_weight_initializer": "ones", "state_clip_min": None, "state_clip_max": None,
                "state_clip_nan": 0, "dtype": "float64"}
        args = [4] + [full[n] for n in order[1:]]
        code = (f"my $b = AI::FusedRNN::Gluon::RNN::{K}->new({', '.join(perl_lit(v) for v in args)});\n"
                "$b->initialize;\n"
                "my $p = $b->collect_params; my $pre = $b->prefix;\n"
                "($b->repr, $b->state_info(1)->[0]{shape}, $b->state_info(1)->[0]{dtype},\n"
                " [map { my $d = $p->param($pre . $_)->data; [$d->minmax] } "
                "qw(l0_i2h_weight l0_h2h_weight l0_i2h_bias l0_h2h_bias)]"
                + (", ($b->unfuse->repr =~ /\\b(relu|tanh)\\b/)[0]" if K == "RNN" else "") + ")")
        R = 2 if K == "LSTM" else 4
        expect = [f"{K}(3 -> 4, NTC, num_layers=2, dropout=0.25, bidirectional)", [4, 1, R], "float64",
                  [[1, 1], [0, 0], [1, 1], [0, 0]]] + (["tanh"] if K == "RNN" else [])
        results(f"perl.{k}.positional_order", [f"perl.{k}.positional_order", "disc.perl_positional_order",
                                               "perl.call.positional_then_named"],
                [k, "constructor", "signature", "discrepancy"],
                f"{K}: every constructor argument given positionally in Python's order "
                f"({', '.join(order)}) lands where Python puts it.", code, expect)


def layer_shape_cases():
    for K in LAYERS:
        k = KEY[K]
        n = NSTATES[K]
        st = lambda rows, R: [[rows, 3, R]] * n  # noqa: E731
        body = ("my ($y2, $s) = $b->($x, $b->begin_state(3));\n"
                "(pdl_dims($x), [reverse $y->dims], [map { [reverse $_->dims] } @$s])")
        results(f"perl.{k}.shape.tnc", [f"perl.{k}.shape.input", f"perl.{k}.shape.output", f"perl.{k}.shape.state",
                                        "perl.shape.pdl_reversed", "perl.states.array_ref"],
                [k, "tnc", "pdl", "state"],
                f"{K}(4, 2) in TNC: input C shape [5, 3, 2] is a PDL of dims (2, 3, 5); the output has C shape "
                f"[5, 3, 4]; each state [2, 3, 4].",
                f"my $b = gluon->rnn->{K}(4, 2, input_size => 2); $b->initialize; my $x = $in{{x}};\n"
                "my $y = $b->($x);\n" + body,
                [[2, 3, 5], [5, 3, 4], st(2, 4)], gen={"x": gc.U([5, 3, 2])})
        results(f"perl.{k}.shape.ntc", [f"perl.{k}.shape.input.layout", "perl.all.layout.meaning"],
                [k, "ntc", "pdl", "layout"],
                f"{K}(4, layout => 'NTC') takes C shape [N, T, C] = [3, 5, 2] (PDL dims (2, 5, 3)) and returns "
                "[3, 5, 4].",
                f"my $b = gluon->rnn->{K}(4, layout => 'NTC', input_size => 2); $b->initialize; my $x = $in{{x}};\n"
                "my $y = $b->($x);\n" + body,
                [[2, 5, 3], [3, 5, 4], st(1, 4)], gen={"x": gc.U([3, 5, 2])})
        results(f"perl.{k}.shape.bidirectional", [f"perl.{k}.shape.output.bidirectional",
                                                  f"perl.{k}.shape.state.bidirectional"],
                [k, "bidirectional", "pdl"],
                f"A bidirectional {K}(4, 2) returns output [5, 3, 8] and states [4, 3, 4].",
                f"my $b = gluon->rnn->{K}(4, 2, bidirectional => 1, input_size => 2); $b->initialize; "
                "my $x = $in{x};\nmy $y = $b->($x);\n" + body,
                [[2, 3, 5], [5, 3, 8], st(4, 4)], gen={"x": gc.U([5, 3, 2])})
        results(f"perl.{k}.call.no_state", [f"perl.{k}.call.no_state", "perl.call.code_ref"],
                [k, "call", "begin-state"],
                f"{K}: $layer->($x) returns the output alone (one value), equal to calling with zero states.",
                f"my $b = gluon->rnn->{K}(4, input_size => 2); $b->initialize;\n"
                "my @r = $b->($in{x});\n"
                "my ($y, $s) = $b->($in{x}, $b->begin_state(3));\n"
                "(scalar(@r), T(PDL::all($r[0] == $y)), T(ref($s) eq 'ARRAY'))",
                [1, True, True], gen={"x": gc.U([5, 3, 2])})
        st_arg = "[$h0, $c0]" if K == "LSTM" else "$h0"
        results(f"perl.{k}.example", [f"perl.{k}.example.default_state", f"perl.{k}.example.explicit_state"],
                [k, "example", "state"],
                f"The pod example: {K}(100, 3), input [5, 3, 10]: without state the output [5, 3, 100]; with "
                f"{st_arg} of [3, 3, 100] the output and the new state(s).",
                f"my $layer = gluon->rnn->{K}(100, 3); $layer->initialize;\n"
                "my $input = PDL->random(10, 3, 5)->float;\n"
                "my $h0 = PDL->random(100, 3, 3)->float; my $c0 = PDL->random(100, 3, 3)->float;\n"
                "my $out = $layer->($input);\n"
                f"my ($out2, $new) = $layer->($input, {st_arg});\n"
                "([reverse $out->dims], [reverse $out2->dims], [map { [reverse $_->dims] } @$new])",
                [[5, 3, 100], [5, 3, 100], [[3, 3, 100]] * n])
        cellname = CELLNAME[K]
        results(f"perl.{k}.dropout.between_layers", [f"perl.{k}.dropout.between_layers"]
                + (["disc.perl_unfuse_trailing_dropout"] if K == "LSTM" else []),
                [k, "dropout", "unfuse"],
                f"{K} dropout acts between layers only: with one layer training equals inference; with two it "
                "differs; unfuse() puts one DropoutCell between the two layers and none after the last.",
                f"my $b1 = gluon->rnn->{K}(4, 1, dropout => 0.5, input_size => 2); $b1->initialize;\n"
                f"my $b2 = gluon->rnn->{K}(4, 2, dropout => 0.5, input_size => 2); $b2->initialize;\n"
                "my $x = $in{x};\n"
                "my $t1 = train_mode(seed => 5, sub { $b1->($x) });\n"
                "my $t2 = train_mode(seed => 5, sub { $b2->($x) });\n"
                "my $u = $b2->unfuse;\n"
                "(T(PDL::all($b1->($x) == $t1)), T(PDL::any($b2->($x) != $t2)),\n"
                " [map { ref($u->get($_)) =~ s/.*:://r } 0 .. $u->len - 1])",
                [True, True, [cellname, "DropoutCell", cellname]], gen={"x": gc.U([5, 3, 2])})
        results(f"perl.{k}.class", [f"perl.{k}.class", "perl.classes.same"], [k, "naming", "repr"],
                f"The class AI::FusedRNN::Gluon::RNN::{K} (AI::MXNet::Gluon::RNN::{K}'s counterpart) is built by "
                f"new, gluon->rnn->{K} and AI::FusedRNN::Gluon::RNN->{K}; a block stringifies to its repr.",
                f"my $b = AI::FusedRNN::Gluon::RNN::{K}->new(4);\n"
                f"(ref($b), ref(gluon->rnn->{K}(4)), ref(AI::FusedRNN::Gluon::RNN->{K}(4)), \"$b\", T(\"$b\" eq $b->repr))",
                [f"AI::FusedRNN::Gluon::RNN::{K}"] * 3 + [f"{K}(None -> 4, TNC)", True])


def layer_eq_cases():
    for K, extra, ck in (("RNN", {"activation": "tanh"}, "tanh"), ("RNN", {}, "relu"), ("LSTM", {}, None),
                         ("GRU", {}, None)):
        k = KEY[K]
        H, L, I, N, T = 4, 2, 3, 2, 5
        params = gc.layer_params(K, H, L, I=I)
        kw = {"input_size": I, "dtype": "$dtype", **extra}
        states = ["h", "c"][:NSTATES[K]]
        actions = [gc.build(gc.B(K, H, L, **kw)), gc.set_action(params),
                   {"do": "call", "inputs": "x", "states": states}]
        gen = {"x": gc.U([T, N, I]), "h": gc.U([L, N, H], -0.5, 0.5), **gc.param_gen(params)}
        if K == "LSTM":
            gen["c"] = gc.U([L, N, H], -0.5, 0.5)
        perl_kw = ", ".join(f"{a} => {perl_lit(v)}" for a, v in kw.items() if a != "dtype")
        code = (f"my $dt = $in{{x}}->type eq 'double' ? 'float64' : 'float32';\n"
                f"my $b = gluon->rnn->{K}({H}, {L}, {perl_kw}, dtype => $dt);\n"
                "$b->collect_params->initialize;\n"
                "$b->collect_params->param($b->prefix . $_)->set_data($in{\"p.$_\"}) for "
                f"qw({' '.join(p for p, _ in params)});\n"
                f"my ($y, $s) = $b->($in{{x}}, [{', '.join('$in{' + s + '}' for s in states)}]);\n"
                "(undef, undef, [$y, $s])")
        outputs = {"output": "2/0", **{f"state{i}": f"2/1/{i}" for i in range(len(states))}}
        suffix = f".{ck}" if ck else ""
        claims = [f"perl.{k}.eq", "perl.semantics.same", "perl.states.array_ref"]
        if K == "RNN" and ck == "relu":
            claims.append("disc.perl_rnn_activation_default")
        numeric(f"perl.{k}.eq{suffix}", claims, [k, "state", "multilayer"] + ([f"rnn-{ck}"] if ck else []),
                f"Perl {K}({H}, {L}{', activation ' + ck if ck else ''}) with set parameters and states agrees "
                "with the NumPy reference of the Python semantics.", code, actions, outputs, gen)
    # LSTM with every option the pod omits, named, and projection reaching the op
    H, I, P, N, T = 4, 3, 2, 2, 5
    params = gc.layer_params("LSTM", H, 1, I=I, P=P)
    kw = {"input_size": I, "projection_size": P, "state_clip_min": -0.3, "state_clip_max": 0.3,
          "state_clip_nan": True, "dtype": "$dtype"}
    actions = [gc.build(gc.B("LSTM", H, **kw)), gc.set_action(params),
               {"do": "call", "inputs": "x", "states": ["h", "c"]}]
    gen = {"x": gc.U([T, N, I], -3, 3), "h": gc.U([1, N, P]), "c": gc.U([1, N, H]), **gc.param_gen(params, scale=1.0)}
    code = ("my $dt = $in{x}->type eq 'double' ? 'float64' : 'float32';\n"
            f"my $b = gluon->rnn->LSTM({H}, input_size => {I}, projection_size => {P}, lstm_state_clip_min => -0.3,\n"
            "    lstm_state_clip_max => 0.3, lstm_state_clip_nan => 1, dtype => $dt);\n"
            "$b->collect_params->initialize;\n"
            "$b->collect_params->param($b->prefix . $_)->set_data($in{\"p.$_\"}) for "
            f"qw({' '.join(p for p, _ in params)});\n"
            "my ($y, $s) = $b->($in{x}, [$in{h}, $in{c}]);\n"
            "(undef, undef, [$y, $s])")
    numeric("perl.lstm.options.projection_clip", ["perl.lstm.options.beyond_pod", "disc.perl_pod_omits_lstm_options",
                                                  "disc.perl_projection_ignored", "perl.alias.clip_options",
                                                  "disc.perl_clip_option_names", "perl.lstm.eq"],
            ["lstm", "projection", "clip", "perl-alias", "discrepancy"],
            "Perl LSTM with projection_size and the AI::MXNet clip spellings (lstm_state_clip_*) matches the "
            "reference of Python's LSTM with projection_size and state_clip_*: the projection reaches the op.",
            code, actions, {"output": "2/0", "h": "2/1/0", "c": "2/1/1"}, gen)


def misc_cases():
    results("perl.call.positional_then_named", ["perl.call.positional_then_named", "perl.lstm.class"],
            ["lstm", "constructor", "repr"],
            "gluon->rnn->LSTM(100, 3, bidirectional => 1): positional then key => value, as AI::MXNet; also with "
            "a third positional (layout) before the pairs, and LSTMCell(hidden_size => 100).",
            "(gluon->rnn->LSTM(100, 3, bidirectional => 1)->repr, gluon->rnn->LSTM(100, 3, 'NTC', bidirectional => 1)->repr,\n"
            " gluon->rnn->LSTMCell(hidden_size => 100)->repr)",
            ["LSTM(None -> 100, TNC, num_layers=3, bidirectional)",
             "LSTM(None -> 100, NTC, num_layers=3, bidirectional)", "LSTMCell(None -> 400)"])
    for cls, args in (("LSTM", "4, bidirectional => 1, foo => 1"), ("LSTMCell", "4, input_size => 3, foo => 1"),
                      ("GRU", "4, 2, colour => 'red'")):
        k = cls.lower()
        dies(f"perl.call.unknown_option.{k}", ["perl.call.positional_then_named"], ["constructor"],
             f"An unknown option name given as key => value is an error: {cls}({args}).",
             f"gluon->rnn->{cls}({args}); ()", "colour" if "colour" in args else "unknown argument")
    dies("perl.call.name_twice", ["perl.call.positional_then_named"], ["constructor"],
         "An argument given both by position and by name is an error: LSTM(4, 2, num_layers => 3).",
         "gluon->rnn->LSTM(4, 2, num_layers => 3); ()", "given both by position and by name")
    dies("perl.rnn.input_size_7th", ["disc.perl_positional_order", "perl.rnn.positional_order"],
         ["rnn", "constructor", "discrepancy", "mxnet-bug"],
         "AI::MXNet's Perl RNN took input_size 7th; here the 7th positional argument is i2h_weight_initializer, "
         "so RNN(4, 1, 'relu', 'TNC', 0, 0, 3) is refused as an unknown initializer.",
         "gluon->rnn->RNN(4, 1, 'relu', 'TNC', 0, 0, 3); ()", "initializer")
    results("perl.call.code_ref", ["perl.call.code_ref"], ["call", "cell-interface"],
            "A block is a code reference: \\&$block is a CODE ref; $layer->($x) equals $layer->forward($x); "
            "$cell->($x) returns (output, states).",
            "my $b = gluon->rnn->GRU(4, input_size => 2); $b->initialize;\n"
            "my $c = gluon->rnn->GRUCell(4, input_size => 2); $c->initialize;\n"
            "my $f = \\&$b;\n"
            "my ($o, $s) = $c->($in{x}->slice(':,:,(0)'));\n"
            "(ref($f), T(PDL::all($f->($in{x}) == $b->forward($in{x}))), [reverse $o->dims], scalar(@$s))",
            ["CODE", True, [3, 4], 1], gen={"x": gc.U([5, 3, 2])})
    results("perl.shape.array_ref", ["perl.shape.array_ref"], ["layout", "params"],
            "Shapes are array refs in C order: state_info(3) of LSTM(4, 2) gives [2, 3, 4]; parameter "
            "l0_i2h_weight has shape [16, 2] and data of PDL dims (2, 16).",
            "my $b = gluon->rnn->LSTM(4, 2, input_size => 2); $b->initialize;\n"
            "my $s = $b->state_info(3)->[0]{shape}; my $p = $b->collect_params->param($b->prefix . 'l0_i2h_weight');\n"
            "(ref($s), $s, ref($p->shape), $p->shape, pdl_dims($p->data))",
            ["ARRAY", [2, 3, 4], "ARRAY", [16, 2], [2, 16]])
    checks("perl.shape.pdl_reversed", ["perl.shape.pdl_reversed"], ["pdl", "layout"],
           "An [8, 3, 20] array arrives as a PDL of dims (20, 3, 8), and $x->at(i, n, t) is x[t, n, i].",
           "my $x = $in{x}; (pdl_dims($x), $x->at(5, 1, 7), $x->at(19, 2, 0))",
           [{"rel": "json", "a": "0", "value": [20, 3, 8]},
            {"rel": "close", "a": "in:x", "index": "7,1,5", "b": "1"},
            {"rel": "close", "a": "in:x", "index": "0,2,19", "b": "2"}],
           gen={"x": gc.U([8, 3, 20])})
    results("perl.states.array_ref", ["perl.states.array_ref", "perl.lstm.example.explicit_state"],
            ["state", "lstm", "gru"],
            "States are array refs of PDLs: [$h, $c] in and out for LSTM; a GRU also takes one PDL as its state.",
            "my $l = gluon->rnn->LSTM(4, input_size => 2); $l->initialize;\n"
            "my ($y, $s) = $l->($in{x}, $l->begin_state(3));\n"
            "my $g = gluon->rnn->GRU(4, input_size => 2); $g->initialize;\n"
            "my ($y2, $s2) = $g->($in{x}, $g->begin_state(3)->[0]);\n"
            "(ref($s), scalar(@$s), [map { ref } @$s], ref($s2), scalar(@$s2))",
            ["ARRAY", 2, ["PDL", "PDL"], "ARRAY", 1], gen={"x": gc.U([5, 3, 2])})
    results("perl.classes.same", ["perl.classes.same", "perl.rnn.class", "perl.lstm.class", "perl.gru.class"],
            ["naming"],
            "The Perl binding has the same layer classes as Python's (RNN, LSTM, GRU) and the same cells.",
            "map { ref(gluon->rnn->$_(4)) =~ s/.*:://r } qw(RNN LSTM GRU RNNCell LSTMCell GRUCell)",
            ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"])
    for K in LAYERS:
        k = KEY[K]
        results(f"perl.{k}.input_size.inferred", ["perl.all.input_size.inferred", f"perl.{k}.default.input_size"]
                if f"perl.{k}.default.input_size" in CLAIM_IDS else ["perl.all.input_size.inferred"],
                [k, "deferred-init"],
                f"{K}(4) (input_size 0) takes the input size from the first call: repr 'None -> 4' before, "
                f"'2 -> 4' after, l0_i2h_weight [{G[K] * 4}, 2].",
                f"my $b = gluon->rnn->{K}(4); $b->initialize; my $before = $b->repr;\n"
                "$b->($in{x});\n"
                "($before, $b->repr, $b->collect_params->param($b->prefix . 'l0_i2h_weight')->shape)",
                [f"{K}(None -> 4, TNC)", f"{K}(2 -> 4, TNC)", [G[K] * 4, 2]], gen={"x": gc.U([5, 3, 2])})
    results("perl.all.layout.ntc_is_transposed", ["perl.all.layout.meaning"], ["layout", "ntc", "tnc", "sharing"],
            "T is time, N batch, C features: an NTC layer sharing a TNC layer's parameters, given the input with "
            "T and N swapped, returns the TNC output with T and N swapped.",
            "my $a = gluon->rnn->GRU(4, input_size => 2); $a->initialize;\n"
            "my $b = gluon->rnn->GRU(4, layout => 'NTC', input_size => 2, params => $a->collect_params);\n"
            "my $y = $a->($in{x}); my $z = $b->($in{x}->xchg(1, 2)->copy);\n"
            "([reverse $z->dims], T(PDL::all($z->xchg(1, 2) == $y)))",
            [[3, 5, 4], True], gen={"x": gc.U([5, 3, 2])})
    # clip aliases: the two spellings are one option
    results("perl.alias.clip_options", ["perl.alias.clip_options", "disc.perl_clip_option_names"],
            ["lstm", "clip", "perl-alias", "discrepancy"],
            "LSTM lstm_state_clip_min/max/nan and state_clip_min/max/nan give bitwise the same outputs; the cell "
            "state stays in the bounds (NaN clipped too), unlike without clipping.",
            "my $x = $in{x}->copy; $x->slice('0,0,1') .= 'nan' + 0;\n"
            "my $a = gluon->rnn->LSTM(4, input_size => 2, state_clip_min => -0.05, state_clip_max => 0.05,\n"
            "    state_clip_nan => 1, i2h_weight_initializer => 'ones'); $a->initialize;\n"
            "my $b = gluon->rnn->LSTM(4, input_size => 2, lstm_state_clip_min => -0.05, lstm_state_clip_max => 0.05,\n"
            "    lstm_state_clip_nan => 1, params => $a->collect_params);\n"
            "my $u = gluon->rnn->LSTM(4, input_size => 2, params => $a->collect_params);\n"
            "my ($ya, $sa) = $a->($in{x}, $a->begin_state(3)); my ($yb, $sb) = $b->($in{x}, $b->begin_state(3));\n"
            "my ($yu, $su) = $u->($in{x}, $u->begin_state(3));\n"
            "my (undef, $sn) = $b->($x, $b->begin_state(3));\n"
            "(T(PDL::all($ya == $yb)), T(PDL::all($sa->[1] == $sb->[1])), T($sa->[1]->abs->max <= 0.0500001),\n"
            " T($su->[1]->abs->max > 0.06), T(PDL::all(PDL::isfinite($sn->[1]))), T($sn->[1]->abs->max <= 0.0500001))",
            [True] * 6, gen={"x": gc.U([5, 3, 2], -3, 3)})
    # AI::MXNet 1.9.1 bugs not reproduced
    results("perl.unroll.merged_rank", ["disc.perl_unroll_merged_rank"], ["unroll", "merge-outputs", "mxnet-bug",
                                                                          "discrepancy"],
            "Merged unroll outputs are 3-D: LSTMCell(4) unrolled over NTC [3, 5, 2] with merge_outputs => 1 gives "
            "[3, 5, 4]; over TNC [5, 3, 2] gives [5, 3, 4].",
            "my $c = gluon->rnn->LSTMCell(4, input_size => 2); $c->initialize;\n"
            "my ($o) = $c->unroll(5, $in{x}, layout => 'NTC', merge_outputs => 1);\n"
            "my ($o2) = $c->unroll(5, $in{x}->xchg(1, 2)->copy, layout => 'TNC', merge_outputs => 1);\n"
            "($o->ndims, [reverse $o->dims], [reverse $o2->dims])",
            [3, [3, 5, 4], [5, 3, 4]], gen={"x": gc.U([3, 5, 2])})
    results("perl.sequential.dropout_states", ["disc.perl_sequential_dropout_states"],
            ["sequential", "dropout", "stepping", "mxnet-bug", "discrepancy"],
            "Stepping a SequentialRNNCell holding LSTMCell, DropoutCell, GRUCell keeps 3 states per step "
            "(training and inference), as many as passed in.",
            "my $s = gluon->rnn->SequentialRNNCell;\n"
            "$s->add(gluon->rnn->LSTMCell(4, input_size => 2)); $s->add(gluon->rnn->DropoutCell(0.5));\n"
            "$s->add(gluon->rnn->GRUCell(4, input_size => 4)); $s->initialize;\n"
            "my $x = $in{x}; my $s0 = $s->begin_state(3);\n"
            "my (undef, $s1) = train_mode(seed => 1, sub { $s->($x, $s0) });\n"
            "my (undef, $s2) = train_mode(seed => 2, sub { $s->($x, $s1) });\n"
            "my (undef, $s3) = $s->($x, $s2);\n"
            "(scalar(@$s0), scalar(@$s1), scalar(@$s2), scalar(@$s3))",
            [3, 3, 3, 3], gen={"x": gc.U([3, 2])})
    results("perl.unfuse.no_trailing_dropout", ["disc.perl_unfuse_trailing_dropout"],
            ["unfuse", "dropout", "mxnet-bug", "discrepancy"],
            "LSTM(4, 3, dropout => 0.5)->unfuse has DropoutCells between the layers only, none after the last.",
            "my $u = gluon->rnn->LSTM(4, 3, dropout => 0.5)->unfuse;\n"
            "map { ref($u->get($_)) =~ s/.*:://r } 0 .. $u->len - 1",
            ["LSTMCell", "DropoutCell", "LSTMCell", "DropoutCell", "LSTMCell"])
    results("perl.unroll.valid_length", ["disc.perl_valid_length"], ["unroll", "varlen", "mxnet-bug", "discrepancy"],
            "unroll with valid_length works: outputs (one PDL) are 0 past each row's length and the states are "
            "those after the row's last valid step (zeros for length 0).",
            "my $c = gluon->rnn->GRUCell(4, input_size => 2); $c->initialize;\n"
            "my ($o, $s) = $c->unroll(5, $in{x}, layout => 'NTC', valid_length => [2, 5, 0]);\n"
            "my ($full) = $c->unroll(5, $in{x}, layout => 'NTC', merge_outputs => 1);\n"
            "(ref($o), [reverse $o->dims], T(PDL::all($o->slice(':,2:4,(0)') == 0)), T(PDL::all($o->slice(':,:,(2)') == 0)),\n"
            " T(PDL::all($s->[0]->slice(':,(0)') == $full->slice(':,(1),(0)'))),\n"
            " T(PDL::all($s->[0]->slice(':,(1)') == $full->slice(':,(4),(1)'))), T(PDL::all($s->[0]->slice(':,(2)') == 0)))",
            ["PDL", [3, 5, 4], True, True, True, True, True], gen={"x": gc.U([3, 5, 2])})


CLAIM_IDS = set()


def build_all():
    global CLAIM_IDS
    suite = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    CLAIM_IDS = set()
    for f in ("perl.json", "discrepancies.json"):
        with open(os.path.join(suite, "claims", f), encoding="utf-8") as fh:
            CLAIM_IDS |= {c["id"] for c in json.load(fh)}
    OUT.clear()
    layer_param_cases(_signatures())
    layer_shape_cases()
    layer_eq_cases()
    misc_cases()
    for c in OUT:
        for cid in c["claims"]:
            assert cid in CLAIM_IDS, (c["id"], cid)
    return list(OUT)


FILES = {"perl_attribute.json": "attribute", "perl_error.json": "error", "perl_numeric.json": "numeric"}
