#!/usr/bin/env perl
# The `perl` implementation: AI::FusedRNN behind conformance protocol v1.
#
#   perl -Iperl/blib/lib -Iperl/blib/arch conformance/adapters/perl_adapter.pl
#
# One JSON request per line on stdin, one JSON response per line on stdout
# (docs/conformance-protocol.md). Arrays cross in C order with NumPy-style
# shapes; a PDL lists the same dims reversed, so shapes are reversed here and
# the bytes are copied unchanged (little-endian hosts; big-endian swaps).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../perl/blib/lib", "$FindBin::Bin/../../perl/blib/arch";
use JSON::PP ();
use MIME::Base64 qw(encode_base64 decode_base64);
use Scalar::Util qw(blessed);
use PDL;
use AI::FusedRNN qw(rnn rnn_param_size param_names unpack_params dropout_keep);

my $PROTOCOL = 1;
my $JSON = JSON::PP->new->canonical(1)->allow_nonref(1);
my $BIG_ENDIAN = unpack('S', pack('n', 1)) == 1;
my %TYPES = (float32 => [PDL::float(), 4], float64 => [PDL::double(), 8],
             int32 => [PDL::long(), 4], int64 => [PDL::longlong(), 8]);
my %NAMES = (float => 'float32', double => 'float64', long => 'int32', longlong => 'int64');
my @OP_KEYS = qw(state_size num_layers mode bidirectional p state_outputs projection_size
                 lstm_state_clip_min lstm_state_clip_max lstm_state_clip_nan use_sequence_length
                 layout training seed max_threads);
my @SIZE_KEYS = qw(input_size state_size num_layers mode bidirectional projection_size);
my @INPUTS = qw(data parameters state state_cell sequence_length);

sub swap_bytes { my ($bytes, $size) = @_;
    return join '', map { scalar reverse $_ } unpack("(a$size)*", $bytes) }

sub decode_array {
    my ($o) = @_;
    my $t = $TYPES{$o->{dtype}} or die { na => "dtype $o->{dtype}" };
    my @dims = reverse @{ $o->{shape} };
    my $p = zeros($t->[0], @dims ? @dims : (1));
    $p = $p->reshape(@dims) if !@dims;   # a 0-d array
    my $bytes = decode_base64($o->{data});
    $bytes = swap_bytes($bytes, $t->[1]) if $BIG_ENDIAN;
    ${ $p->get_dataref } = $bytes;
    $p->upd_data;
    return $p;
}

sub encode_array {
    my ($p) = @_;
    my $name = $NAMES{ $p->type->ioname // '' } // $NAMES{"" . $p->type} // die "cannot encode type " . $p->type;
    my $size = $TYPES{$name}[1];
    my $bytes = ${ $p->make_physical->get_dataref };
    $bytes = swap_bytes($bytes, $size) if $BIG_ENDIAN;
    return { dtype => $name, shape => [ reverse $p->dims ], data => encode_base64($bytes, '') };
}

sub decode_value {   # {"$float": "nan"} -> that float; JSON booleans stay objects
    my ($v) = @_;
    if (ref $v eq 'HASH') {
        return 0 + $v->{'$float'} if keys %$v == 1 && exists $v->{'$float'};
        return { map { $_ => decode_value($v->{$_}) } keys %$v };
    }
    return [ map { decode_value($_) } @$v ] if ref $v eq 'ARRAY';
    return $v;
}

sub pick { my ($config, @keys) = @_;
    return map { exists $config->{$_} && defined $config->{$_} ? ($_ => $config->{$_}) : () } @keys }

sub run_case {
    my ($case) = @_;
    my $level = $case->{level} // 'operator';
    die { na => "level $level" } unless $level eq 'operator';
    my $config = decode_value($case->{config} // {});
    my %inputs = map { $_ => decode_array($case->{inputs}{$_}) } keys %{ $case->{inputs} // {} };
    my $kind = $case->{kind};
    if ($kind eq 'forward') {
        my %known = map { $_ => 1 } @OP_KEYS;
        my @extra = grep { !$known{$_} } keys %$config;
        die { na => "unknown options @extra" } if @extra;
        my @args = (pick($config, @OP_KEYS), map { exists $inputs{$_} ? ($_ => $inputs{$_}) : () } @INPUTS);
        my @res = rnn(@args);
        my %out; @out{qw(output hy cy)} = @res;
        return { outputs => { map { $_ => encode_array($out{$_}) } grep { defined $out{$_} } keys %out } };
    }
    if ($kind eq 'param_size') {
        return { attributes => { param_size => 0 + rnn_param_size(pick($config, @SIZE_KEYS)) } };
    }
    if ($kind eq 'param_layout') {
        my %o = pick($config, @SIZE_KEYS);
        my @names = param_names(%o);
        my $u = unpack_params(zeros(double, rnn_param_size(%o)), %o);
        return { attributes => { param_layout => [ map { [ $_, [ reverse $u->{$_}->dims ] ] } @names ] } };
    }
    if ($kind eq 'dropout_keep') {
        my $k = dropout_keep(pick($config, qw(seed layer index p)));
        return { attributes => { dropout_keep => $k ? JSON::PP::true : JSON::PP::false } };
    }
    die { na => "call kind $kind" };
}

sub respond {
    my ($req) = @_;
    my $op = $req->{op} // '';
    if ($op eq 'hello') {
        return { error => { type => 'ProtocolError', message => "unsupported protocol" } }
            unless ($req->{protocol} // 0) == $PROTOCOL;
        return { protocol => $PROTOCOL, implementation => 'perl',
                 version => $AI::FusedRNN::VERSION // '?', levels => ['operator'],
                 kinds => [qw(forward param_size param_layout dropout_keep)],
                 error_types => 'untyped' };
    }
    return { bye => JSON::PP::true } if $op eq 'bye';
    return { error => { type => 'ProtocolError', message => "unknown op '$op'" } } unless $op eq 'run';
    my $res = eval { run_case($req->{case}) };
    return $res if $res;
    my $e = $@;
    return { not_applicable => $e->{na} } if ref $e eq 'HASH' && exists $e->{na};
    my $type = blessed($e) ? ref $e : 'die';
    (my $msg = "$e") =~ s/\s+\z//;
    return { error => { type => $type, message => $msg } };
}

$| = 1;
while (my $line = <STDIN>) {
    next unless $line =~ /\S/;
    my $req = eval { $JSON->decode($line) };
    my $res = $req ? respond($req)
                   : { error => { type => 'ProtocolError', message => "bad JSON: $@" } };
    print $JSON->encode($res), "\n";
    last if $req && ($req->{op} // '') eq 'bye';
}
