use strict;
use warnings;
use Test::More;
use PDL;
use AI::FusedRNN::Gluon::Initializer;
use AI::FusedRNN::Gluon::Parameter;
use AI::FusedRNN::Gluon::RNN;

# The initializers of fusedrnn.gluon.initializer (engine/fusedrnn/gluon/initializer.py):
# names, arguments, defaults, string forms, dumps, fan rules and distributions.
# Draws come from PDL's generator, so only bounds and moments are checked.

my $I = 'AI::FusedRNN::Gluon::Initializer';
my $R = 'AI::FusedRNN::Gluon::RNN';
PDL::srand(20240607);

sub err(&) { my ($code) = @_; eval { $code->(); 1 } ? '' : "$@" }

# fill a float64 parameter of C shape @shape with $spec (Parameter's weight rule)
sub draw {
    my ($spec, @shape) = @_;
    my $p = zeros(double, reverse @shape);
    AI::FusedRNN::Gluon::Initializer::fill($spec, $p, 'x_weight');
    return $p;
}

sub moments { my ($p) = @_; my $m = $p->avg; return ($m, (($p - $m)**2)->avg) }

# ---- registry, names, string forms -------------------------------------------------------

is_deeply([$I->names], [qw(constant lstmbias msraprelu normal one ones uniform xavier zero zeros)],
          'registered names (Python\'s)');
for my $case (['zeros', 'Zero'], ['zero', 'Zero'], ['ONES', 'One'], [' one ', 'One'], ['uniform', 'Uniform'],
              ['Normal', 'Normal'], ['xavier', 'Xavier'], ['MSRAPrelu', 'MSRAPrelu'], ['msraprelu', 'MSRAPrelu'],
              ['LSTMBias', 'LSTMBias']) {
    my ($spec, $class) = @$case;
    isa_ok($I->create($spec), "${I}::$class", "create('$spec')");
}

# repr and dumps are Python's, character for character
my %python = (
    xavier    => [q{Xavier(rnd_type='uniform', factor_type='avg', magnitude=3)},
                  q{["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]}],
    msraprelu => [q{MSRAPrelu(factor_type='avg', slope=0.25)}, q{["msraprelu", {"factor_type": "avg", "slope": 0.25}]}],
    lstmbias  => [q{LSTMBias(forget_bias=1.0)}, q{["lstmbias", {"forget_bias": 1.0}]}],
    uniform   => [q{Uniform(scale=0.07)}, q{["uniform", {"scale": 0.07}]}],
    normal    => [q{Normal(sigma=0.01)}, q{["normal", {"sigma": 0.01}]}],
    zeros     => [q{Zero()}, q{["zero", {}]}],
    ones      => [q{One()}, q{["one", {}]}],
);
for my $name (sort keys %python) {
    my $o = $I->create($name);
    is("$o", $python{$name}[0], "$name: repr (defaults)");
    is($o->dumps, $python{$name}[1], "$name: dumps");
    ok($I->create($o->dumps) == $o, "$name: create(dumps) gives an equal initializer");
}
is($I->create(['constant', [1, 2]])->dumps, '["constant", {"value": [1, 2]}]', 'Constant dumps a list value');
is($I->create(['constant', pdl([[1, 2]])])->dumps, '["constant", {"value": [[1, 2]]}]', 'a PDL value is dumped as its list');
is($I->Xavier('gaussian', 'in', 2)->dumps,
   '["xavier", {"rnd_type": "gaussian", "factor_type": "in", "magnitude": 2}]', 'positional arguments, Python order');

# the forms of a spec all give the same object
my $want = $I->Xavier(rnd_type => 'gaussian', factor_type => 'in', magnitude => 2);
for my $spec ($want, ['xavier', 'gaussian', 'in', 2], ['Xavier', factor_type => 'in', rnd_type => 'gaussian', magnitude => 2],
              ['xavier', 'gaussian', magnitude => 2, factor_type => 'in'], ['xavier', { rnd_type => 'gaussian', factor_type => 'in', magnitude => 2 }],
              '["xavier", {"rnd_type": "gaussian", "factor_type": "in", "magnitude": 2}]',
              ' ["XAVIER", {"magnitude": 2.0, "factor_type": "in", "rnd_type": "gaussian"}] ') {
    my $o = $I->create($spec);
    ok($o == $want, 'spec ' . (ref $spec eq 'ARRAY' ? "[@$spec]" : "$spec") . ' = Xavier(gaussian, in, 2)');
}
ok($I->create("${I}::Uniform") == $I->Uniform, 'a class name');
ok(AI::FusedRNN::Gluon::Initializer::Uniform->new(0.1) == $I->create(['uniform', 0.1]), 'bareword class ->new');
ok($I->create('uniform') != $I->Uniform(0.1), 'different arguments: not equal');
ok($I->LSTMBias(1) == $I->LSTMBias('1.0'), '1 and 1.0 are equal arguments (as in Python)');
is_deeply($I->create('xavier')->kwargs, { rnd_type => 'uniform', factor_type => 'avg', magnitude => 3 }, 'kwargs');
is($I->create('MSRAPrelu')->name, 'msraprelu', 'name');
my $code = sub { $_[0] .= 7 };
is($I->create($code), $code, 'a code ref is kept as it is');
is($I->create('uniform')->set_verbosity(1)->name, 'uniform', 'set_verbosity is accepted');

# ---- errors -----------------------------------------------------------------------------

like(err { $I->create('foo') }, qr/^unknown initializer 'foo'; registered names: constant, lstmbias, msraprelu/,
     'unknown name');
like(err { $I->create(['bogus', 1]) }, qr/unknown initializer 'bogus'/, 'unknown name in an array spec');
like(err { $I->create('["bogus", {}]') }, qr/unknown initializer 'bogus'/, 'unknown name in JSON');
like(err { $I->create(undef) }, qr/unknown initializer undef/, 'undef');
like(err { $I->create({}) }, qr/unknown initializer a HASH reference/, 'a hash ref');
like(err { $I->create([]) }, qr/must start with a registered name/, 'an empty array ref');
like(err { $I->create('[bad') }, qr/cannot parse JSON/, 'malformed JSON');
like(err { $I->create('["uniform"]') }, qr/must be \[name, \{arguments\}\]/, 'JSON without the arguments');
like(err { $I->create('constant') }, qr/Constant: argument 'value' is required/, 'Constant needs a value');
like(err { $I->create(['constant', 'x']) }, qr/Constant: value must be a number, got 'x'/, 'Constant value not a number');
like(err { $I->create(['constant', [1, 'a']]) }, qr/Constant: value must be a number, a \(nested\) array ref/, 'Constant list with a string');
like(err { $I->create(['uniform', 'big']) }, qr/Uniform: scale must be a number, got 'big'/, 'Uniform scale not a number');
like(err { $I->create(['uniform', { scal => 1 }]) }, qr/Uniform: unknown argument 'scal' \(known: scale\)/, 'unknown argument');
like(err { $I->create('["uniform", {"scal": 1}]') }, qr/Uniform: unknown argument 'scal'/, 'unknown argument in JSON');
like(err { $I->create(['uniform', scal => 1]) }, qr/Uniform: too many positional arguments \(2, at most 1\) \(an unknown argument name/,
     'unknown argument name in a list spec');
like(err { $I->create(['uniform', 0.1, 0.2]) }, qr/Uniform: too many positional arguments \(2, at most 1\)/, 'too many positional');
like(err { $I->create(['zeros', 1]) }, qr/Zero: too many positional arguments/, 'Zero takes no argument');
like(err { $I->create(['uniform', 0.1, scale => 0.2]) }, qr/given both by position and by name/, 'twice');
like(err { $I->create(['normal', -1]) }, qr/Normal: sigma must be >= 0, got -1/, 'negative sigma');
like(err { $I->create(['xavier', 'normal']) }, qr/Xavier: rnd_type must be 'uniform' or 'gaussian', got 'normal'/, 'Xavier rnd_type');
like(err { $I->create(['xavier', factor_type => 'mean']) }, qr/Xavier: factor_type must be 'avg' or 'in' or 'out', got 'mean'/,
     'Xavier factor_type');
like(err { $I->create(['xavier', magnitude => 'x']) }, qr/Xavier: magnitude must be a number/, 'Xavier magnitude');
like(err { $I->create(['msraprelu', 'in', 'steep']) }, qr/MSRAPrelu: slope must be a number/, 'MSRAPrelu slope');
like(err { $I->create(['msraprelu', factor_type => 'x']) }, qr/MSRAPrelu: factor_type must be/, 'MSRAPrelu factor_type');
like(err { $I->create(['lstmbias', forget_bias => [1]]) }, qr/LSTMBias: forget_bias must be a number/, 'LSTMBias forget_bias');
like(err { draw('xavier', 8) }, qr/^Xavier needs an array of at least 2 dimensions; 'x_weight' has shape \(8,\)/,
     'Xavier refuses a vector');
like(err { draw('msraprelu', 8) }, qr/^Xavier needs an array of at least 2 dimensions/, 'so does MSRAPrelu');
like(err { draw(['constant', [1, 2]], 4, 3) }, qr/a value of shape \(2,\) cannot be broadcast to parameter 'x_weight' of shape \(4, 3\)/,
     'Constant value that does not broadcast');
like(err { $I->new }, qr/is a base class/, 'the base class has no instances');
like(err { AI::FusedRNN::Gluon::Initializer::register('main') }, qr/only subclasses/, 'register refuses a non-initializer');

# ---- deterministic initializers ------------------------------------------------------------

is_deeply(draw('zeros', 2, 3)->unpdl, [[0, 0, 0], [0, 0, 0]], 'zeros');
is_deeply(draw('One', 2, 3)->unpdl, [[1, 1, 1], [1, 1, 1]], 'One');
is_deeply(draw(['constant', 2.5], 2, 2)->unpdl, [[2.5, 2.5], [2.5, 2.5]], 'Constant(2.5)');
is_deeply(draw(['constant', [1, 2, 3]], 2, 3)->unpdl, [[1, 2, 3], [1, 2, 3]], 'Constant list broadcast along the rows (NumPy rule)');
is_deeply(draw(['constant', [[1], [2]]], 2, 3)->unpdl, [[1, 1, 1], [2, 2, 2]], 'Constant column broadcast');
is_deeply(draw($I->Constant(pdl([[1, 2, 3]])), 2, 3)->unpdl, [[1, 2, 3], [1, 2, 3]], 'Constant PDL value');
is_deeply(draw('lstmbias', 8)->unpdl, [0, 0, 1, 1, 0, 0, 0, 0], 'lstmbias: forget-gate rows [H, 2H) = 1');
is_deeply(draw(['lstmbias', 2], 12)->unpdl, [0, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0], 'LSTMBias(2)');
is_deeply(draw(['lstmbias', 1], 6)->unpdl, [0, 1, 0, 0, 0, 0], 'a size not divisible by 4: H rounds down (as Python)');
is_deeply(draw('lstmbias', 4, 2)->unpdl, [[0, 0], [1, 1], [0, 0], [0, 0]], 'lstmbias on a matrix sets rows');
is_deeply(draw($code, 2)->unpdl, [7, 7], 'a code ref fills in place');

# ---- random initializers: bounds and moments --------------------------------------------------

my $N = 200 * 100;
{
    my $p = draw('uniform', 200, 100);
    my ($m, $v) = moments($p);
    ok($p->min >= -0.07 && $p->max < 0.07, 'uniform: in [-0.07, 0.07)');
    ok($p->max > 0.069 && $p->min < -0.069, 'uniform: reaches both ends');
    ok(abs($m) < 4 * 0.07 / sqrt(3 * $N), "uniform: mean ~ 0 ($m)");
    ok(abs($v / (0.07**2 / 3) - 1) < 0.05, "uniform: variance ~ scale^2/3 ($v)");
    $p = draw(['uniform', 2], 200, 100);
    ok($p->min >= -2 && $p->max < 2 && $p->max > 1.97, 'Uniform(2): bounds');
}
{
    my $p = draw('normal', 200, 100);
    my ($m, $v) = moments($p);
    ok(abs($m) < 4 * 0.01 / sqrt($N), "normal: mean ~ 0 ($m)");
    ok(abs(sqrt($v) / 0.01 - 1) < 0.03, 'normal: sd ~ 0.01 (' . sqrt($v) . ')');
    ($m, $v) = moments(draw('["normal", {"sigma": 0.5}]', 200, 100));
    ok(abs(sqrt($v) / 0.5 - 1) < 0.03, 'Normal(0.5): sd ~ 0.5');
    is_deeply(draw(['normal', 0], 2, 2)->unpdl, [[0, 0], [0, 0]], 'Normal(0) is 0');
}

# fans: C shape (out, in, k1, k2, ...); an RNN weight (G*H, in) has fan_in = in, fan_out = G*H
{
    my $x = $I->Xavier;
    is_deeply([$x->fans([4 * 50, 100])], [100, 200], 'fans of an LSTM i2h weight (4H, in)');
    is_deeply([$x->fans([3 * 6, 6])], [6, 18], 'fans of a GRU h2h weight (3H, H)');
    is_deeply([$x->fans([8, 3, 2, 5])], [30, 80], 'fans with a receptive field (out, in, k1, k2)');
    like(err { $x->fans([5]) }, qr/at least 2 dimensions/, 'fans of a vector');
    ok(abs($x->spread([200, 100]) - sqrt(3 / 150)) < 1e-15, 'avg: sqrt(3 / ((in + out) / 2))');
    ok(abs($I->Xavier(factor_type => 'in')->spread([200, 100]) - sqrt(3 / 100)) < 1e-15, 'in: sqrt(3 / in)');
    ok(abs($I->Xavier(factor_type => 'out', magnitude => 6)->spread([200, 100]) - sqrt(6 / 200)) < 1e-15, 'out, magnitude 6');
    ok(abs($I->MSRAPrelu->spread([200, 100]) - sqrt(2 / 1.0625 / 150)) < 1e-15, 'MSRAPrelu: magnitude 2 / (1 + 0.25^2)');
    ok(abs($I->MSRAPrelu('in', 0)->spread([200, 100]) - sqrt(2 / 100)) < 1e-15, 'MSRAPrelu(in, slope 0): He');
}
for my $case (['xavier', 'avg', sqrt(3 / 150)], [['xavier', factor_type => 'in'], 'in', sqrt(3 / 100)],
              [['xavier', factor_type => 'out'], 'out', sqrt(3 / 200)]) {
    my ($spec, $what, $s) = @$case;
    my $p = draw($spec, 200, 100);
    my ($m, $v) = moments($p);
    ok($p->max < $s && $p->min >= -$s, "Xavier uniform $what: in [-s, s), s = $s");
    ok($p->max > 0.99 * $s && $p->min < -0.99 * $s, "Xavier uniform $what: reaches both ends");
    ok(abs($v / ($s * $s / 3) - 1) < 0.05, "Xavier uniform $what: variance ~ s^2/3");
    ok(abs($m) < 4 * $s / sqrt(3 * $N), "Xavier uniform $what: mean ~ 0");
}
{
    my $s = sqrt(2 / 150);
    my ($m, $v) = moments(draw(['xavier', 'gaussian', 'avg', 2], 200, 100));
    ok(abs(sqrt($v) / $s - 1) < 0.03, 'Xavier gaussian: sd ~ sqrt(magnitude / fan)');
    ok(abs($m) < 4 * $s / sqrt($N), 'Xavier gaussian: mean ~ 0');
    $s = sqrt(2 / 1.0625 / 150);
    ($m, $v) = moments(draw('msraprelu', 200, 100));
    ok(abs(sqrt($v) / $s - 1) < 0.03, 'MSRAPrelu: sd ~ sqrt(2 / (1 + slope^2) / fan_avg)');
    $s = sqrt(3 / (50 * 3 * 3));
    my $p = draw(['xavier', factor_type => 'in'], 20, 50, 3, 3);
    ok($p->max < $s && $p->max > 0.98 * $s, 'Xavier on 4 dims: fan_in = in * k1 * k2');
}
{
    my $p = zeros(float, 100, 200);
    AI::FusedRNN::Gluon::Initializer::fill('xavier', $p, 'w');
    is($p->type . '', 'float', 'float parameters stay float');
    ok($p->max < sqrt(3 / 150) && $p->max > 0.99 * sqrt(3 / 150), 'float Xavier bounds');
}

# ---- the object call: Python's __call__ dispatch on the name ------------------------------------

{
    my $u = $I->Uniform(0.5);
    my $w = $u->('l0_weight', zeros(double, 10, 10));
    ok($w->max > 0.4 && $w->max < 0.5, 'call on a weight: the initializer');
    is_deeply($u->('l0_bias', ones(3))->unpdl, [0, 0, 0], 'call on a bias: 0');
    is_deeply($u->('bn_gamma', zeros(3))->unpdl, [1, 1, 1], 'gamma: 1');
    is_deeply($u->('bn_beta', ones(3))->unpdl, [0, 0, 0], 'beta: 0');
    is_deeply($u->call('l0_bias', zeros(8), 'lstmbias')->unpdl, [0, 0, 1, 1, 0, 0, 0, 0], 'an own initializer wins');
    like(err { $u->('running', zeros(3)) }, qr/cannot tell how to initialise parameter 'running'/, 'other names');
}

# ---- through Parameter, ParameterDict and the blocks ---------------------------------------------

{
    my $p = AI::FusedRNN::Gluon::Parameter->new('w', shape => [200, 100], dtype => 'float64');
    $p->initialize;
    ok($p->data->max < 0.07 && $p->data->max > 0.069, 'default: Uniform(0.07)');
    $p->initialize(init => 'xavier', force_reinit => 1);
    ok($p->data->max < sqrt(3 / 150) && $p->data->max > 0.1, 'Parameter initialize(init => xavier)');
    $p->initialize(init => '["constant", {"value": 4}]', force_reinit => 1);
    is($p->data->min, 4, 'a JSON spec');
    my $b = AI::FusedRNN::Gluon::Parameter->new('b', shape => [8]);
    $b->initialize(default_init => $I->Normal(0));
    is($b->data->max, 0, 'the default initializer fills a parameter named b (no name dispatch, as Python)');
    like(err { AI::FusedRNN::Gluon::Parameter->new('v', shape => [3])->initialize(init => 'nope') },
         qr/unknown initializer 'nope'/, 'Parameter refuses an unknown name');

    my $pd = AI::FusedRNN::Gluon::ParameterDict->new('net_');
    my $w = $pd->get('weight', shape => [4, 3], init => 'ones');
    $pd->get('bias', shape => [4]);
    ok($pd->get('weight') == $w, 'ParameterDict get($name) returns the existing parameter');
    ok($pd->param('net_weight') == $w, 'param($full_name) is Python\'s params[full_name]');
    ok(!defined $pd->param('weight'), 'param() creates nothing');
    my %h = map { @$_ } $pd->items;
    ok($h{net_bias} == $pd->param('net_bias'), 'a plain hash from items');
    $pd->initialize(init => $I->Constant(2));
    is($w->data->min, 1, 'own initializer wins over init');
    is($pd->param('net_bias')->data->max, 2, 'init fills a parameter without one (whatever its name)');
    like(err { $pd->initialize(init => ['xavier', 'bogus'], force_reinit => 1) }, qr/Xavier: rnd_type/,
         'ParameterDict initialize checks init first');
}

sub param_of { my ($block, $re) = @_; my $pd = $block->collect_params; my ($k) = grep { /$re/ } $pd->keys; $pd->param($k) }

{
    my $l = $R->LSTM(50, 1, input_size => 100, dtype => 'float64', i2h_weight_initializer => 'xavier',
                     h2h_weight_initializer => $I->MSRAPrelu(factor_type => 'in'),
                     i2h_bias_initializer => 'LSTMBias', h2h_bias_initializer => '["constant", {"value": 0.5}]');
    $l->initialize;
    my $wi = param_of($l, qr/l0_i2h_weight$/)->data;
    is_deeply([$wi->dims], [100, 200], 'i2h weight: C shape (4H, in) = PDL dims (in, 4H)');
    my $s = sqrt(3 / 150);
    ok($wi->max < $s && $wi->max > 0.99 * $s && $wi->min >= -$s, 'LSTM i2h_weight_initializer => xavier: fans (in, 4H)');
    my ($m, $v) = moments(param_of($l, qr/l0_h2h_weight$/)->data);
    ok(abs(sqrt($v) / sqrt(2 / 1.0625 / 50) - 1) < 0.05, 'h2h_weight_initializer => MSRAPrelu(in): fan_in = H');
    my $bi = param_of($l, qr/l0_i2h_bias$/)->data;
    is($bi->slice('50:99')->min, 1, 'lstmbias: forget gate rows = 1');
    is(abs($bi->slice('0:49'))->max + abs($bi->slice('100:199'))->max, 0, 'lstmbias: other rows = 0');
    is(param_of($l, qr/l0_h2h_bias$/)->data->min, 0.5, 'a JSON bias initializer');
}
{
    my $g = $R->GRU(6, 2, input_size => 4);
    $g->initialize(init => 'Xavier');
    my $w0 = param_of($g, qr/l0_i2h_weight$/)->data;
    my $w1 = param_of($g, qr/l1_i2h_weight$/)->data;
    ok($w0->max < sqrt(3 / 11) && $w1->max < sqrt(3 / 12), 'GRU initialize(init => Xavier): per-weight fans (3H, in)');
    is(param_of($g, qr/l0_i2h_bias$/)->data->max, 0, "biases keep their 'zeros'");
    my $c = $R->LSTMCell(5, input_size => 3, i2h_weight_initializer => ['uniform', 0.001]);
    $c->initialize(init => 'ones');
    ok(param_of($c, qr/i2h_weight$/)->data->max <= 0.001, 'cell: own initializer');
    is(param_of($c, qr/h2h_weight$/)->data->min, 1, 'cell: init for the others');
    my $d = $R->LSTM(4, input_size => 3, i2h_bias_initializer => 'xavier');
    like(err { $d->initialize }, qr/Xavier needs an array of at least 2 dimensions; '\w*l0_i2h_bias' has shape \(16,\)/,
         'Xavier on a bias: refused at initialize');
    my $deferred = $R->LSTM(4, i2h_weight_initializer => 'xavier');
    $deferred->initialize;
    $deferred->(zeros(float, 10, 2, 3));
    ok(param_of($deferred, qr/l0_i2h_weight$/)->data->max < sqrt(3 / 13), 'deferred initialisation uses the fans once known');
    like(err { $R->LSTM(4, i2h_weight_initializer => 'bogus') }, qr/i2h_weight_initializer: unknown initializer 'bogus'/,
         'unknown initializer at construction');
    like(err { $R->LSTM(4, i2h_weight_initializer => ['xavier', 'x']) }, qr/i2h_weight_initializer: unknown initializer/,
         'bad initializer arguments at construction');
    like(err { $R->GRU(4)->initialize(init => 'bogus') }, qr/unknown initializer 'bogus'/, 'unknown init at initialize');
}

# ---- a registered subclass --------------------------------------------------------------------------

{
    package My::Half;
    our @ISA = ('AI::FusedRNN::Gluon::Initializer');
    sub _params { [[value => 0.5]] }
    sub _setup { my ($self, $a) = @_; $self->{v} = $self->_number('value', $a->{value}) }
    sub _init_weight { my ($self, $name, $p) = @_; $p .= $self->{v} }
}
AI::FusedRNN::Gluon::Initializer::register('My::Half', 'demi');
is_deeply(draw('DEMI', 2)->unpdl, [0.5, 0.5], 'a registered subclass by alias');
is_deeply(draw('["half", {"value": 3}]', 2)->unpdl, [3, 3], '... by its own name, from JSON');
is(My::Half->new(2)->dumps, '["half", {"value": 2}]', '... dumps under its lower-cased last name component');

done_testing;
