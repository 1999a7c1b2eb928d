package AI::FusedRNN::MXNetFormat;

use strict;
use warnings;
use Carp qw(croak);
use Config;
use Scalar::Util qw(blessed);
use Encode ();
use PDL::Lite ();
use PDL::Core ();

our $VERSION = '0.01';

use Exporter 'import';
our @EXPORT_OK = qw(load loads save dumps);

use constant {
    LIST_MAGIC     => 0x112,
    ARRAY_MAGIC_V1 => 0xF993FAC8,
    ARRAY_MAGIC_V2 => 0xF993FAC9,
    ARRAY_MAGIC_V3 => 0xF993FACA,
};
my $LEGACY_MAX_NDIM = 32;

# flag => [numpy name, itemsize, PDL type name]
my %FLAG = (
    0 => ['float32', 4, 'float'],
    1 => ['float64', 8, 'double'],
    2 => ['float16', 2, 'float'],     # widened to float on reading (PDL has no half type)
    3 => ['uint8', 1, 'byte'],
    4 => ['int32', 4, 'long'],
    5 => ['int8', 1, 'sbyte'],
    6 => ['int64', 8, 'longlong'],
    7 => ['bool', 1, 'byte'],
);
my %PDL_FLAG = (float => 0, double => 1, byte => 3, long => 4, sbyte => 5, longlong => 6);
my %STORAGE = (-1 => 'undefined', 0 => 'default', 1 => 'row_sparse', 2 => 'csr');
my $LE = substr($Config{byteorder}, 0, 1) eq '1';

# A little-endian byte string of $n items of $size bytes <-> native order.
sub _swap {
    my ($bytes, $size) = @_;
    return $bytes if $LE || $size == 1;
    return join '', map { scalar reverse $_ } unpack "(a$size)*", $bytes;
}

sub _half_to_float {    # IEEE binary16 (little-endian) -> list of numbers
    my ($bytes) = @_;
    return map {
        my $s = ($_ >> 15) & 1; my $e = ($_ >> 10) & 0x1f; my $m = $_ & 0x3ff;
        my $v = $e == 0 ? $m * 2**-24 : $e == 31 ? ($m ? 9**9**9 / 9**9**9 : 9**9**9)
              : (1 + $m / 1024) * 2**($e - 15);
        $s ? -$v : $v
    } unpack 'v*', $bytes;
}

# ---- reading -----------------------------------------------------------------------------

# loads($bytes, $source) -> { names => [..] (or undef for an unnamed list), arrays => [..] }
# Each array: { shape => [C order], dtype => numpy name, pdl => PDL (dims reversed) }.
sub loads {
    my ($data, $source) = @_;
    $source = '<bytes>' unless defined $source;
    croak "$source: expected a byte string" if !defined $data || ref $data;
    if (utf8::is_utf8($data)) {
        my $copy = $data;
        croak "$source: expected bytes, got a character string" unless utf8::downgrade($copy, 1);
        $data = $copy;
    }
    my $len = length $data;
    my $pos = 0;
    my $fail = sub {
        my ($what, $at) = @_;
        $at = $pos unless defined $at;
        croak "$source: $what (at byte offset $at of $len)";
    };
    my $take = sub {
        my ($n, $what) = @_;
        $fail->("truncated or corrupt: $what needs $n bytes, only " . ($len - $pos) . ' left')
            if $n < 0 || $n > $len - $pos;
        my $s = substr($data, $pos, $n);
        $pos += $n;
        return $s;
    };
    my $u32 = sub { unpack 'V', $take->(4, $_[0]) };
    my $i32 = sub { unpack 'l<', $take->(4, $_[0]) };
    my $u64 = sub { unpack 'Q<', $take->(8, $_[0]) };

    $fail->("too short for an MXNet NDArray file ($len bytes; the header alone is 24)", 0) if $len < 24;
    my $magic = $u64->('file magic');
    $fail->(sprintf('not an MXNet NDArray file: magic is 0x%X, expected 0x%X', $magic, LIST_MAGIC), 0)
        if $magic != LIST_MAGIC;
    $u64->('reserved field');
    my $count = $u64->('array count');
    $fail->("corrupt: claims $count arrays but only " . ($len - $pos) . ' bytes follow', 16)
        if $count > int(($len - $pos) / 4);

    my @arrays;
    for my $index (0 .. $count - 1) {
        my $where = "array #$index";
        my $start = $pos;
        my $am = $u32->("$where magic");
        my ($ndim, @shape, $dimfmt, $dimw);
        if ($am == ARRAY_MAGIC_V2 || $am == ARRAY_MAGIC_V3) {
            my $st = $i32->("$where storage type");
            if ($st != 0) {
                my $kind = $STORAGE{$st};
                $fail->("$where uses $kind (sparse) storage, which is not supported; only dense arrays can be read", $start)
                    if defined $kind && ($kind eq 'row_sparse' || $kind eq 'csr');
                $fail->("$where has unknown storage type $st", $start);
            }
            $ndim = $i32->("$where ndim");
            $fail->("$where is an empty placeholder NDArray with no shape and no data; it cannot be represented as an array", $start)
                if $ndim < 0 || ($ndim == 0 && $am == ARRAY_MAGIC_V2);
            ($dimfmt, $dimw) = ('q<', 8);
        } elsif ($am == ARRAY_MAGIC_V1) {
            $ndim = $u32->("$where ndim");
            $fail->("$where is an empty placeholder NDArray with no shape and no data; it cannot be represented as an array", $start)
                if $ndim == 0;
            ($dimfmt, $dimw) = ('q<', 8);
        } elsif ($am <= $LEGACY_MAX_NDIM) {
            $ndim = $am;
            $fail->("$where is an empty placeholder NDArray with no shape and no data; it cannot be represented as an array", $start)
                if $ndim == 0;
            ($dimfmt, $dimw) = ('V', 4);
        } else {
            $fail->(sprintf('%s does not start with a known NDArray magic (found 0x%08X)', $where, $am), $start);
        }
        $fail->("truncated or corrupt: $where claims $ndim dimensions, only " . ($len - $pos) . ' bytes left')
            if $ndim * $dimw > $len - $pos;
        @shape = $ndim ? unpack("($dimfmt)$ndim", $take->($ndim * $dimw, "$where shape")) : ();
        for (@shape) {
            $fail->("$where has an unknown or negative dimension in shape (" . join(', ', @shape) . ')') if $_ < 0;
        }
        $i32->("$where device type");
        $i32->("$where device id");
        my $flag = $i32->("$where dtype flag");
        my $info = $FLAG{$flag};
        $fail->("$where has unknown dtype flag $flag (known: "
                . join(', ', map { "$_=$FLAG{$_}[0]" } sort { $a <=> $b } keys %FLAG) . ')')
            unless $info;
        my ($dname, $isz, $ptype) = @$info;
        my $n = 1;
        $n *= $_ for @shape;
        my $nbytes = $n * $isz;
        $fail->("truncated or corrupt: $where of shape (" . join(', ', @shape) . ") and dtype $dname needs $nbytes bytes of data, only "
                . ($len - $pos) . ' left')
            if $nbytes > $len - $pos;
        my $raw = $take->($nbytes, "$where data");
        my @dims = reverse @shape;
        @dims = (1) unless @dims;    # a numpy-shape scalar
        my $type = do { no strict 'refs'; &{"PDL::$ptype"}() };
        my $p = PDL::Core::zeros($type, @dims);
        if ($n) {
            if ($dname eq 'float16') {
                my @v = _half_to_float($raw);
                $p = PDL::Core::pdl($type, \@v)->reshape(@dims);
            } else {
                ${ $p->get_dataref } = _swap($raw, $isz);
                $p->upd_data;
                $p = ($p != 0)->convert(PDL::byte()) if $dname eq 'bool';
            }
        }
        push @arrays, { shape => \@shape, dtype => $dname, pdl => $p };
    }
    my $nnames = $u64->('name count');
    $fail->("corrupt: $nnames names for $count arrays", $pos - 8) if $nnames != 0 && $nnames != $count;
    my @names;
    for my $i (0 .. $nnames - 1) {
        my $l = $u64->("length of name #$i");
        $fail->("truncated or corrupt: name #$i claims $l bytes, only " . ($len - $pos) . ' left', $pos - 8)
            if $l > $len - $pos;
        my $raw = $take->($l, "name #$i");
        my $name = eval { Encode::decode('UTF-8', $raw, Encode::FB_CROAK()) };
        $fail->("name #$i is not valid UTF-8", $pos - $l) unless defined $name;
        push @names, $name;
    }
    $fail->('corrupt: ' . ($len - $pos) . ' unexpected bytes after the last name') if $pos < $len;
    my %seen;
    for (@names) { croak "$source: name '$_' appears twice" if $seen{$_}++ }
    return { names => (@names ? \@names : undef), arrays => \@arrays };
}

sub load {
    my ($path) = @_;
    croak 'load: expected a file name' if !defined $path || ref $path;
    croak "$path: is a directory, not an NDArray file" if -d $path;
    open my $fh, '<:raw', $path or croak "$path: cannot open: $!";
    local $/;
    my $data = <$fh>;
    close $fh;
    $data = '' unless defined $data;
    return loads($data, $path);
}

# ---- writing -----------------------------------------------------------------------------

# dumps(\@pairs) with pairs [name, PDL] (or [name, PDL, \@c_shape] to keep a
# shape PDL cannot show, e.g. one with a dim of 1 in front). Returns the bytes.
sub dumps {
    my ($pairs) = @_;
    croak 'dumps: expected an array ref of [name, PDL] pairs' unless ref $pairs eq 'ARRAY';
    my $out = pack('Q<Q<Q<', LIST_MAGIC, 0, scalar @$pairs);
    my %seen;
    for my $e (@$pairs) {
        my ($name, $p, $shape) = @$e;
        croak "dumps: name must be a string" if !defined $name || ref $name;
        croak "dumps: name '$name' appears twice" if $seen{$name}++;
        croak "dumps: '$name': expected a PDL, got " . (defined $p ? ref($p) || 'a plain scalar' : 'undef')
            unless blessed($p) && $p->isa('PDL');
        croak "dumps: '$name': a null PDL cannot be saved" if $p->isnull;
        my $t = "" . $p->type;
        my $flag = $PDL_FLAG{$t};
        croak "dumps: '$name': PDL type $t has no MXNet dtype" unless defined $flag;
        my @shape = $shape ? @$shape : reverse $p->dims;
        croak "dumps: '$name': a 0-d array cannot be written (1.x readers take ndim 0 for 'no array')"
            unless @shape;
        my $n = 1;
        $n *= $_ for @shape;
        croak "dumps: '$name': shape (@shape) does not match the PDL's " . $p->nelem . ' elements'
            if $n != $p->nelem;
        my $bytes = ${ $p->copy->get_dataref };
        my $isz = $FLAG{$flag}[1];
        $out .= pack('Vl<l<', ARRAY_MAGIC_V2, 0, scalar @shape) . pack('q<*', @shape)
              . pack('l<l<l<', 1, 0, $flag) . _swap($bytes, $isz);
    }
    $out .= pack('Q<', scalar @$pairs);
    for my $e (@$pairs) {
        my $b = Encode::encode('UTF-8', $e->[0]);
        $out .= pack('Q<', length $b) . $b;
    }
    return $out;
}

# save($path, \@pairs): the bytes are built first, so a failure writes nothing.
sub save {
    my ($path, $pairs) = @_;
    croak 'save: expected a file name' if !defined $path || ref $path;
    my $bytes = dumps($pairs);
    open my $fh, '>:raw', $path or croak "$path: cannot write: $!";
    print {$fh} $bytes or croak "$path: cannot write: $!";
    close $fh or croak "$path: cannot write: $!";
    return;
}

1;

__END__

=head1 NAME

AI::FusedRNN::MXNetFormat - read and write MXNet 1.x NDArray list files (.params)

=head1 SYNOPSIS

  use AI::FusedRNN::MXNetFormat qw(load save);
  my $f = load('model.params');
  # $f->{names}: [names] (undef for an unnamed list), $f->{arrays}[i]:
  #   { shape => [C order], dtype => 'float32', pdl => PDL (dims reversed) }
  save('out.params', [[w => $pdl], [b => $bias]]);

=head1 DESCRIPTION

Pure Perl reader and writer of the file format that C<mx.nd.save> and
Gluon's C<save_parameters> write, as specified in docs/parameter-files.md:
the writer emits exactly the bytes the Python package (and MXNet 1.9.1)
writes for the same names and arrays; the reader accepts the 1.x record,
the numpy-shape record (magic C<0xF993FACA>) and the two older ones, checks
every size against the bytes left before allocating, and croaks with the
source, what is wrong and the byte offset for anything malformed (sparse
storage, unknown dtype flags, a wrong name count, duplicate names, trailing
bytes).

Dtypes map to PDL types float32/float (flag 0), float64/double (1),
uint8/byte (3), int32/long (4), int8/sbyte (5), int64/longlong (6); float16
(2) is read into a float PDL and bool (7) into a byte PDL of 0/1 (the
record's C<dtype> still says what the file held). Only those PDL types can
be written.

=head2 loads($bytes, $source), load($path)

Parse bytes (C<$source> names them in messages) or a file: returns
C<< { names => [...] or undef, arrays => [...] } >>.

=head2 dumps(\@pairs), save($path, \@pairs)

Each pair is C<[$name, $pdl]> or C<[$name, $pdl, \@c_shape]>; arrays are
written in order, in C order, little-endian, under their names.

=cut
