# Cross-language models: a model saved by Python loads in Perl and gives
# bitwise-identical outputs (inference, train_mode(seed) and per-call seeds),
# and the file Perl saves is byte for byte the file Python saved (so it loads
# in Python exactly as Python's own).
#
# Vectors: $FUSEDRNN_CROSS_VECTORS/models/*.json, written by
# tests/cross_models.py (its docstring gives the format). Skipped when
# the directory is absent.
use strict;
use warnings;
use Test::More;
use File::Spec;
use File::Temp qw(tempdir);
use PDL::Lite;
use PDL::Core ();
use AI::FusedRNN::Gluon qw(train_mode);
use AI::FusedRNN::Gluon::RNN;

my $dir = $ENV{FUSEDRNN_CROSS_VECTORS};
plan skip_all => 'set FUSEDRNN_CROSS_VECTORS to a directory of vectors written by the Python binding'
    unless defined $dir && length $dir;
$dir = File::Spec->catdir($dir, 'models');
plan skip_all => "no model vectors in $dir (written by tests/cross_models.py)" unless -d $dir;
require JSON::PP;

my %TYPE = (float32 => PDL::float(), float64 => PDL::double(), int64 => PDL::longlong());

sub slurp {
    my ($f) = @_;
    open my $fh, '<:raw', $f or die "$f: $!";
    local $/;
    return scalar <$fh>;
}

sub load_array {
    my ($a) = @_;
    return undef unless defined $a;
    return [map { load_array($_) } @$a] if ref $a eq 'ARRAY';
    my @dims = reverse @{ $a->{shape} };
    my $p = PDL::Core::zeros($TYPE{ $a->{dtype} }, @dims ? @dims : (1));
    ${ $p->get_dataref } = slurp(File::Spec->catfile($dir, $a->{file}));
    $p->upd_data;
    return $p;
}

sub bytes_of { my ($p) = @_; return ${ $p->copy->get_dataref } }

sub build {
    my ($spec) = @_;
    my $class = $spec->{class};
    my @args = @{ $spec->{args} || [] };
    my %kw = %{ $spec->{kwargs} || {} };
    for (values %kw) { $_ = $_ ? 1 : 0 if JSON::PP::is_bool($_) }
    return AI::FusedRNN::Gluon::RNN->$class(build($spec->{base}), @args, %kw) if $spec->{base};
    return AI::FusedRNN::Gluon::RNN->$class(build($spec->{l_cell}), build($spec->{r_cell}), @args, %kw) if $spec->{l_cell};
    my $obj = AI::FusedRNN::Gluon::RNN->$class(@args, %kw);
    $obj->add(build($_)) for @{ $spec->{children} || [] };
    return $obj;
}

my $tmp = tempdir(CLEANUP => 1);
my @cases = sort glob(File::Spec->catfile($dir, '*.json'));
plan skip_all => "no *.json in $dir" unless @cases;

for my $file (@cases) {
    my $case = JSON::PP->new->decode(slurp($file));
    my $name = $case->{name};
    my $model = build($case->{build});
    $model->cast($case->{dtype}) if defined $case->{dtype};
    my $pfile = File::Spec->catfile($dir, $case->{params});
    $model->load_parameters($pfile);
    my $resaved = File::Spec->catfile($tmp, "$name.params");
    $model->save_parameters($resaved);
    ok(slurp($resaved) eq slurp($pfile), "$name: Perl's save_parameters writes Python's bytes");

    my $run = sub {
        my $k = 0;
        for my $c (@{ $case->{calls} }) {
            my $what = "$name call $k ($c->{method})";
            $k++;
            my @opt = map { defined $c->{$_} ? ($_ => (JSON::PP::is_bool($c->{$_}) ? ($c->{$_} ? 1 : 0) : $c->{$_})) : () }
                      qw(training seed);
            my $x = load_array($c->{inputs});
            my $states = load_array($c->{states});
            my ($out, $st);
            if ($c->{method} eq 'unroll') {
                my $m = $c->{merge_outputs};
                $m = $m ? 1 : 0 if defined $m;
                my $vl = load_array($c->{valid_length});
                ($out, $st) = $model->unroll($c->{length}, $x, begin_state => $states, layout => $c->{layout},
                                             merge_outputs => $m, valid_length => $vl, @opt);
            } elsif ($model->isa('AI::FusedRNN::Gluon::RNN::Layer')) {
                my $sl = load_array($c->{sequence_length});
                if (!defined $states && !defined $sl) {
                    $out = $model->($x, @opt);
                } else {
                    ($out, $st) = $model->($x, $states, (defined $sl ? ($sl) : ()), @opt);
                }
            } else {
                ($out, $st) = $model->($x, $states, @opt);
            }
            my $want = load_array($c->{output});
            if (ref $want eq 'ARRAY') {
                is(ref $out, 'ARRAY', "$what: output is a list") or next;
                is(scalar @$out, scalar @$want, "$what: number of outputs");
                ok(!grep({ bytes_of($out->[$_]) ne bytes_of($want->[$_]) } 0 .. $#$want), "$what: outputs bitwise equal");
            } else {
                ok(PDL::Core::topdl($out)->isa('PDL') && "@{[$out->dims]}" eq "@{[$want->dims]}", "$what: output dims")
                    or diag "got (@{[ref $out eq 'ARRAY' ? 'a list' : $out->dims]}), want (@{[$want->dims]})";
                ok(bytes_of($out) eq bytes_of($want), "$what: output bitwise equal");
            }
            if (defined $c->{new_states}) {
                my $ws = load_array($c->{new_states});
                is(scalar @$st, scalar @$ws, "$what: number of states");
                ok(!grep({ bytes_of($st->[$_]) ne bytes_of($ws->[$_]) } 0 .. $#$ws), "$what: states bitwise equal");
            }
        }
    };
    if (defined $case->{train_mode_seed}) {
        train_mode(seed => $case->{train_mode_seed}, $run);
    } else {
        $run->();
    }
}

done_testing;
