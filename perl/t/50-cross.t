# Cross-check against vectors written by the Python binding: every output
# must be bitwise identical.
#
# Set FUSEDRNN_CROSS_VECTORS to a directory; without it the test is skipped.
#
# File format (one case per JSON file, any name ending in .json; the .bin
# files live in the same directory):
#
#   {
#     "name": "lstm_bi_train",                  # free text, used in test names
#     "options": {                              # the keyword arguments of
#       "state_size": 6, "num_layers": 2,       # fusedrnn.rnn / AI::FusedRNN::rnn
#       "mode": "lstm", "bidirectional": true,  # except the arrays; null or
#       "p": 0.3, "training": true,             # absent = default. The seed may
#       "seed": "18446744073709551615",         # be a number below 2**53 or a
#       "state_outputs": true, "layout": "TNC", # decimal string.
#       "use_sequence_length": false,
#       "projection_size": null,
#       "lstm_state_clip_min": null, "lstm_state_clip_max": null,
#       "lstm_state_clip_nan": false
#     },
#     "arrays": {                               # inputs: data, parameters, and
#       "data":       {"file": "lstm_bi_train.data.bin",       # optionally
#                      "dtype": "float32", "shape": [5, 3, 4]}, # state, state_cell,
#       "parameters": {"file": "...", "dtype": "float32", "shape": [1536]},
#       "state":      {...},                    # sequence_length (dtype int64);
#       "output":     {...},                    # expected: output, and with
#       "hy":         {...},                    # state_outputs hy (+ cy for lstm)
#       "cy":         {...}
#     }
#   }
#
# "shape" is the C/NumPy shape (the PDL dims are its reverse); "dtype" is
# "float32", "float64" or "int64"; each .bin holds the raw C-contiguous
# little-endian values, nothing else (numpy: arr.astype('<f4').tobytes()).
# A case may carry "skip": "reason" to be skipped.
use strict;
use warnings;
use Test::More;
use Config;
use PDL;
use JSON::PP ();
use File::Spec;
use AI::FusedRNN qw(rnn);

my $dir = $ENV{FUSEDRNN_CROSS_VECTORS};
plan skip_all => 'set FUSEDRNN_CROSS_VECTORS to a directory of vectors written by the Python binding'
    unless defined $dir && length $dir;
plan skip_all => "FUSEDRNN_CROSS_VECTORS=$dir is not a directory" unless -d $dir;
plan skip_all => 'the .bin vectors are little-endian; this machine is not'
    unless $Config{byteorder} =~ /^1234/;

my %TYPE = (float32 => [float, 4], float64 => [double, 8], int64 => [longlong, 8]);
my @inputs = qw(data parameters state state_cell sequence_length);
my @expected = qw(output hy cy);

sub slurp {
    my ($path) = @_;
    open my $fh, '<:raw', $path or die "cannot read $path: $!\n";
    local $/;
    my $s = <$fh>;
    return defined $s ? $s : '';
}

sub load_array {
    my ($case, $name, $spec) = @_;
    my ($type, $size) = @{ $TYPE{ $spec->{dtype} } || die "$case: $name: unknown dtype $spec->{dtype}\n" };
    my @shape = @{ $spec->{shape} };
    my $n = 1;
    $n *= $_ for @shape;
    my $bytes = slurp(File::Spec->catfile($dir, $spec->{file}));
    die "$case: $name: $spec->{file} has " . length($bytes) . " bytes, expected " . $n * $size . "\n"
        unless length($bytes) == $n * $size;
    my $p = zeros($type, reverse @shape);
    ${ $p->get_dataref } = $bytes;
    $p->upd_data;
    return ($p, $bytes);
}

opendir my $dh, $dir or die "cannot open $dir: $!\n";
my @cases = sort grep { /\.json\z/ } readdir $dh;
closedir $dh;
ok(scalar(@cases), "vectors found in $dir") or BAIL_OUT("no *.json cases in $dir");

my $json = JSON::PP->new->utf8;
for my $file (@cases) {
    my $case = eval { $json->decode(slurp(File::Spec->catfile($dir, $file))) };
    unless ($case) { fail("$file: readable JSON"); diag($@); next }
    my $name = defined $case->{name} ? $case->{name} : $file;
    if ($case->{skip}) {
        SKIP: { skip "$name: $case->{skip}", 1 }
        next;
    }
    my %opt = %{ $case->{options} || {} };
    delete $opt{$_} for grep { !defined $opt{$_} } keys %opt;
    my $arrays = $case->{arrays} || {};
    my @got = eval {
        for my $k (@inputs) {
            next unless $arrays->{$k};
            ($opt{$k}) = load_array($name, $k, $arrays->{$k});
        }
        rnn(%opt);
    };
    unless (@got) { fail("$name: runs"); diag("$@"); next }
    pass("$name: runs");
    for my $i (0 .. $#expected) {
        my $k = $expected[$i];
        next unless $arrays->{$k};
        my ($want, $bytes) = eval { load_array($name, $k, $arrays->{$k}) };
        unless (defined $want) { fail("$name: $k readable"); diag($@); next }
        my $g = $got[$i];
        unless (defined $g) { fail("$name: $k returned"); next }
        is_deeply([$g->dims], [reverse @{ $arrays->{$k}{shape} }], "$name: $k dims");
        my $same = ${ $g->get_dataref } eq $bytes;
        ok($same, "$name: $k bitwise identical")
            or diag("max abs difference " . max(abs($g->double - $want->double)));
    }
}

done_testing;
