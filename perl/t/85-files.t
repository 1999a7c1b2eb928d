# Parameter files: MXNet's NDArray-list format (docs/parameter-files.md).
# Real MXNet 1.9.1 files (tests/fixtures/mxnet) are read, re-saved byte for
# byte, loaded into Perl layers and cells, and give MXNet's outputs.
use strict;
use warnings;
use Test::More;
use File::Spec;
use File::Temp qw(tempdir);
use FindBin;
use PDL;
use AI::FusedRNN::MXNetFormat qw(load loads dumps save);
use AI::FusedRNN::Gluon::RNN;

my $tmp = tempdir(CLEANUP => 1);
sub slurp { open my $fh, '<:raw', $_[0] or die "$_[0]: $!"; local $/; return scalar <$fh> }
sub spew { open my $fh, '>:raw', $_[0] or die; print {$fh} $_[1]; close $fh }

# ---- the tiny example of docs/parameter-files.md ------------------------------------------
{
    my $b = dumps([[w => pdl(float, 1, -2)]]);
    is(length $b, 81, 'example file is 81 bytes');
    is(unpack('H*', $b), '1201000000000000' . '00' x 8 . '0100000000000000' . 'c9fa93f9' . '00000000' . '01000000'
        . '0200000000000000' . '01000000' . '00000000' . '00000000' . '0000803f000000c0' . '0100000000000000'
        . '0100000000000000' . '77', 'example bytes as documented');
    my $f = loads($b);
    is_deeply($f->{names}, ['w'], 'name read back');
    is_deeply($f->{arrays}[0]{shape}, [2], 'shape read back');
    is($f->{arrays}[0]{dtype}, 'float32', 'dtype read back');
    is(${ $f->{arrays}[0]{pdl}->get_dataref }, pack('f<*', 1, -2), 'values read back');
}

# ---- malformed files are refused with the offset ----------------------------------------
{
    my $good = dumps([[w => pdl(double, [[1, 2], [3, 4]])]]);
    for my $case (
        ['', qr/too short/],
        ['x' x 30, qr/not an MXNet NDArray file/],
        [substr($good, 0, length($good) - 3), qr/truncated or corrupt/],
        [$good . 'z', qr/unexpected bytes after the last name/],
        [pack('Q<Q<Q<', 0x112, 0, 1000) . 'abcd', qr/claims 1000 arrays/],
        [do { my $b = $good; substr($b, 24, 4) = pack('V', 0x12345678); $b }, qr/does not start with a known NDArray magic/],
        [do { my $b = $good; substr($b, 28, 4) = pack('l<', 2); $b }, qr/csr \(sparse\) storage/],
        [do { my $b = $good; substr($b, 60, 4) = pack('l<', 9); $b }, qr/unknown dtype flag 9/],
        [do { my $b = $good; substr($b, 36, 8) = pack("q<", 1 << 40); $b }, qr/needs \d+ bytes of data, only \d+ left/],
      ) {
        my ($bytes, $re) = @$case;
        ok(!eval { loads($bytes, 'bad'); 1 }, "refused: $re");
        like($@, qr/^bad: .*$re.*\(at byte offset \d+ of \d+\)/s, "message: $re");
    }
    my $dup = dumps([[a => pdl([1])->float], [b => pdl([2])->float]]);
    $dup =~ s/b\z/a/;
    ok(!eval { loads($dup, 'dup'); 1 } && $@ =~ /name 'a' appears twice/, 'duplicate names refused');
    ok(!eval { dumps([[a => pdl([1])], [a => pdl([2])]]); 1 }, 'writer refuses duplicate names');
    ok(!eval { dumps([[a => pdl(ushort, [1])]]); 1 }, 'writer refuses a type with no MXNet dtype');
}

# ---- real MXNet files ------------------------------------------------------------------------
my $fx = File::Spec->catdir($FindBin::Bin, '..', '..', 'tests', 'fixtures', 'mxnet');
SKIP: {
    skip "no MXNet fixtures at $fx", 1 unless -f File::Spec->catfile($fx, 'manifest.json');
    require JSON::PP;
    my $m = JSON::PP->new->decode(slurp(File::Spec->catfile($fx, 'manifest.json')));
    for my $c (@{ $m->{cases} }) {
        next unless $c->{saved_params} && $c->{params_file};
        my $path = File::Spec->catfile($fx, $c->{params_file});
        my $f = load($path);
        is_deeply($f->{names}, [map { $_->{name} } @{ $c->{saved_params} }], "$c->{name}: names as MXNet wrote them");
        is_deeply([map { $_->{shape} } @{ $f->{arrays} }], [map { $_->{shape} } @{ $c->{saved_params} }], "$c->{name}: shapes");
        my $out = File::Spec->catfile($tmp, 'resave.params');
        save($out, [map { [$f->{names}[$_], $f->{arrays}[$_]{pdl}] } 0 .. $#{ $f->{names} }]);
        ok(slurp($out) eq slurp($path), "$c->{name}: re-saved byte for byte");
    }
    my $dt = load(File::Spec->catfile($fx, 'dtypes.nd'));
    is_deeply([(map { $_->{dtype} } @{ $dt->{arrays} })[0 .. 7]],
              [qw(float16 float32 float64 uint8 int8 int32 int64 bool)], 'every MXNet dtype read');
    my $np = load(File::Spec->catfile($fx, 'np_shape.nd'));
    ok(scalar @{ $np->{arrays} }, 'numpy-shape (0xF993FACA) records read');
    my $un = load(File::Spec->catfile($fx, 'unnamed_list.nd'));
    ok(!defined $un->{names} && @{ $un->{arrays} } == 2, 'unnamed list read');
    my $l = AI::FusedRNN::Gluon::RNN::LSTM->new(6);
    ok(!eval { $l->load_parameters(File::Spec->catfile($fx, 'unnamed_list.nd')); 1 }, 'unnamed list refused as parameters');
    like($@, qr/holds 2 unnamed arrays/, 'unnamed list message');
    ok(!eval { load(File::Spec->catfile($fx, 'sparse_csr.nd')); 1 } && $@ =~ /csr \(sparse\)/, 'sparse refused');

    # MXNet's layer files load into Perl layers and give MXNet's outputs
    # (MXNet's CPU arithmetic differs in the last bits: compared to 1e-5).
    for my $c (grep { $_->{kind} eq 'layer' } @{ $m->{cases} }) {
        my %kw = %{ $c->{kwargs} };
        for (values %kw) { $_ = $_ ? 1 : 0 if JSON::PP::is_bool($_) }
        my $class = $c->{class};
        my $layer = AI::FusedRNN::Gluon::RNN->$class(@{ $c->{args} }, %kw);
        $layer->load_parameters(File::Spec->catfile($fx, $c->{params_file}));
        my %a = read_npz(File::Spec->catfile($fx, $c->{npz}));
        my @st = ($a{state_h}, defined $a{state_c} ? $a{state_c} : ());
        my ($y, $s) = $layer->($a{data}, \@st);
        ok(max(abs($y - $a{output})) < 1e-5, "$c->{name}: MXNet's file gives MXNet's output")
            or diag max(abs($y - $a{output}));
        ok(max(abs($s->[0] - $a{out_h})) < 1e-5, "$c->{name}: and its final h");
    }
    for my $c (grep { $_->{kind} eq 'cell' && $_->{class} =~ /^(RNN|LSTM|GRU)Cell$/ } @{ $m->{cases} }) {
        my $class = $c->{class};
        my $cell = AI::FusedRNN::Gluon::RNN->$class(6, ($class eq 'RNNCell' ? (activation => 'tanh') : ()));
        $cell->cast($c->{dtype});
        $cell->load_parameters(File::Spec->catfile($fx, $c->{params_file}));
        my %a = read_npz(File::Spec->catfile($fx, $c->{npz}));
        my @st = map { $a{"state_$_"} } grep { defined $a{"state_$_"} } 0 .. 1;
        my $u = $c->{unroll_kwargs};
        my ($y) = $cell->unroll($u->{length}, $a{data}, begin_state => \@st, layout => $u->{layout}, merge_outputs => 1,
                                valid_length => $a{valid_length});
        ok(max(abs($y - $a{output})) < 1e-5, "$c->{name}: MXNet's cell file gives MXNet's unroll output")
            or diag $y->info, $a{output}->info;
    }
}

# ---- save / load rules --------------------------------------------------------------------------
{
    my $l = AI::FusedRNN::Gluon::RNN::GRU->new(4, 2, bidirectional => 1, input_size => 3, dtype => 'float64');
    $l->initialize;
    my $f = File::Spec->catfile($tmp, 'gru.params');
    $l->save_parameters($f);
    my $names = load($f)->{names};
    is($names->[0], '_unfused.0.l_cell.i2h_weight', 'structural names of a bidirectional layer');
    is(scalar @$names, 16, 'every parameter saved');
    my $m = AI::FusedRNN::Gluon::RNN::GRU->new(4, 2, bidirectional => 1, dtype => 'float64');
    $m->load_parameters($f);    # no initialize needed; input size taken from the file
    is("$m", 'GRU(3 -> 4, TNC, num_layers=2, bidirectional)', 'input size from the file');
    my $x = grandom(double, 3, 2, 5);
    is(${ $m->($x)->get_dataref }, ${ $l->($x)->get_dataref }, 'loaded layer = saved layer');

    my $f32 = AI::FusedRNN::Gluon::RNN::GRU->new(4, 2, bidirectional => 1);
    ok(!eval { $f32->load_parameters($f); 1 }, 'dtype mismatch refused');
    like($@, qr/dtype incompatible expected float32 vs saved float64\. Set cast_dtype/, 'dtype message');
    ok(!$f32->collect_params->param('gru2_l0_i2h_weight') || !$f32->collect_params->param('gru2_l0_i2h_weight')->is_initialized,
       'failed load changed nothing');
    $f32->load_parameters($f, cast_dtype => 1);
    is($f32->param('l0_i2h_weight')->data->type . '', 'float', 'cast_dtype, dtype_source current: converted');
    my $sv = AI::FusedRNN::Gluon::RNN::GRU->new(4, 2, bidirectional => 1);
    $sv->load_parameters($f, cast_dtype => 1, dtype_source => 'saved');
    is($sv->param('l0_i2h_weight')->dtype, 'float64', "dtype_source 'saved' takes the saved dtype");
    is(${ $sv->($x)->get_dataref }, ${ $l->($x)->get_dataref }, 'and computes in it');

    my $one = AI::FusedRNN::Gluon::RNN::GRU->new(4, 1, bidirectional => 1, dtype => 'float64');
    ok(!eval { $one->load_parameters($f); 1 }, 'extra entries refused');
    like($@, qr/^Parameter '_unfused\.1\.l_cell\.i2h_weight' loaded from file '.*' is not present in ParameterDict/, 'extra message');
    ok(eval { $one->load_parameters($f, ignore_extra => 1); 1 }, 'ignore_extra');
    my $three = AI::FusedRNN::Gluon::RNN::GRU->new(4, 3, bidirectional => 1, dtype => 'float64');
    ok(!eval { $three->load_parameters($f); 1 }, 'missing entries refused');
    like($@, qr/^Parameter '_unfused\.2\.l_cell\.i2h_weight' is missing in file/, 'missing message');
    ok(eval { $three->load_parameters($f, allow_missing => 1); 1 }, 'allow_missing');
    my $wide = AI::FusedRNN::Gluon::RNN::GRU->new(5, 2, bidirectional => 1, dtype => 'float64');
    ok(!eval { $wide->load_parameters($f); 1 } && $@ =~ /shape incompatible expected \(15, 0\) vs saved \(12, 3\)/,
       'shape mismatch refused');
    ok(!eval { $l->load_parameters($f, dtype_source => 'x'); 1 } && $@ =~ /dtype_source must be/, 'bad dtype_source');
    ok(!eval { $l->save_parameters($f, foo => 1); 1 }, 'unknown save option refused');
    my $un = AI::FusedRNN::Gluon::RNN::LSTM->new(3);
    my $g = File::Spec->catfile($tmp, 'never.params');
    ok(!eval { $un->save_parameters($g); 1 } && !-e $g, 'saving uninitialised parameters writes nothing');

    # legacy files (no '.' in any name): collect_params()->save(strip_prefix)
    my $leg = File::Spec->catfile($tmp, 'legacy.params');
    $l->collect_params->save($leg, strip_prefix => $l->prefix);
    is(load($leg)->{names}[0], 'l0_i2h_weight', 'ParameterDict save strips the prefix');
    my $m2 = AI::FusedRNN::Gluon::RNN::GRU->new(4, 2, bidirectional => 1, dtype => 'float64');
    $m2->load_parameters($leg);
    is(${ $m2->($x)->get_dataref }, ${ $l->($x)->get_dataref }, 'legacy file loads by prefix');

    # a cell stack: paths of its children; deduplicate
    my $u = $l->unfuse;
    my $uf = File::Spec->catfile($tmp, 'unfused.params');
    $u->save_parameters($uf);
    is(load($uf)->{names}[0], '0.l_cell.i2h_weight', 'unfused stack names');
    ok(!eval { $l->load_parameters($uf); 1 }, "a fused layer does not load its unfused stack's file (as in MXNet)");
}

done_testing;

# ---- a minimal .npz (stored zip of .npy) reader -------------------------------------------------
sub read_npz {
    my ($path) = @_;
    require IO::Uncompress::Unzip;
    my $z = IO::Uncompress::Unzip->new($path) or die "cannot open $path";
    my %out;
    my $status = 1;
    while ($status > 0) {
        my $name = $z->getHeaderInfo->{Name};
        local $/;
        my $data = <$z>;
        $name =~ s/\.npy\z//;
        $out{$name} = parse_npy($data);
        $status = $z->nextStream;
    }
    return %out;
}

sub parse_npy {
    my ($b) = @_;
    my $major = ord substr($b, 6, 1);
    my ($hlen, $off) = $major == 1 ? (unpack('v', substr($b, 8, 2)), 10) : (unpack('V', substr($b, 8, 4)), 12);
    my $h = substr($b, $off, $hlen);
    my ($descr) = $h =~ /'descr':\s*'([^']+)'/;
    my ($shape) = $h =~ /'shape':\s*\(([^)]*)\)/;
    my @shape = grep { length } map { s/\s//gr } split /,/, $shape;
    my %t = ('<f4' => float, '<f8' => double, '<i8' => longlong, '<i4' => long);
    my $p = zeros($t{$descr}, @shape ? reverse @shape : (1));
    ${ $p->get_dataref } = substr($b, $off + $hlen);
    $p->upd_data;
    return $p;
}
