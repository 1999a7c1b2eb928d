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
    my $kind = $case->{kind} // '';
    if ($level eq 'layer' || $level eq 'cell') {
        die { na => "call kind $kind at level $level" } unless $kind eq 'script';
        return run_script($case);
    }
    if ($level eq 'perl') {
        die { na => "call kind $kind at level perl" } unless $kind eq 'perl';
        return run_perl($case);
    }
    die { na => "level $level" } unless $level eq 'operator';
    my $config = decode_value($case->{config} // {});
    my %inputs = map { $_ => decode_array($case->{inputs}{$_}) } keys %{ $case->{inputs} // {} };
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

# ---------------------------------------------------------------------------
# results: PDLs become {"$array": ...} (dims reversed to the C shape), array
# refs lists, hash refs objects; JSON booleans stay booleans.
# ---------------------------------------------------------------------------

sub encode_results {
    my ($v) = @_;
    return undef unless defined $v;
    if (blessed $v) {
        return $v if $v->isa('JSON::PP::Boolean');
        return { '$array' => encode_array($v) } if $v->isa('PDL');
        return "$v";                      # a block or parameter: its string form
    }
    return [ map { encode_results($_) } @$v ] if ref $v eq 'ARRAY';
    return { map { $_ => encode_results($v->{$_}) } keys %$v } if ref $v eq 'HASH';
    die "cannot encode a " . ref($v) . " result" if ref $v;
    return $v;
}

# Script arguments: JSON booleans become Perl's 1 and 0 (what a Perl caller writes).
sub perl_value {
    my ($v) = @_;
    return $v ? 1 : 0 if blessed($v) && $v->isa('JSON::PP::Boolean');
    return [ map { perl_value($_) } @$v ] if ref $v eq 'ARRAY';
    return { map { $_ => perl_value($v->{$_}) } keys %$v } if ref $v eq 'HASH';
    return $v;
}

# ---------------------------------------------------------------------------
# layer and cell levels: scripts (docs/conformance-protocol.md, "Scripts")
# ---------------------------------------------------------------------------

my $GLUON_LOADED;
sub load_gluon {
    return if $GLUON_LOADED++;
    require AI::FusedRNN::Gluon;
    require AI::FusedRNN::Gluon::RNN;
    require AI::FusedRNN::MXNetFormat;
    require File::Temp;
}

my %CLASSES = map { $_ => 1 } qw(RNN LSTM GRU RNNCell LSTMCell GRUCell SequentialRNNCell
    HybridSequentialRNNCell BidirectionalCell DropoutCell ModifierCell ZoneoutCell ResidualCell
    RecurrentCell HybridRecurrentCell);

{
    package Conformance::Script;
    use strict;
    use warnings;
    use Scalar::Util qw(blessed);

    sub new {
        my ($class, $config, $inputs) = @_;
        return bless { config => $config, inputs => $inputs, blocks => {}, specs => {}, results => [] }, $class;
    }

    sub path {
        my ($self, $path) = @_;
        my $v = $self->{results};
        $v = $v->[$_] for split m{/}, $path;
        return $v;
    }

    # {"$block"}, {"$input"}, {"$result"}, {"$params"}, {"$float"} inside arguments
    sub value {
        my ($self, $v) = @_;
        if (ref $v eq 'HASH') {
            my @k = keys %$v;
            if (@k == 1) {
                return $self->{blocks}{ $v->{'$block'} } if $k[0] eq '$block';
                return $self->{inputs}{ $v->{'$input'} } if $k[0] eq '$input';
                return $self->path($v->{'$result'}) if $k[0] eq '$result';
                return $self->{blocks}{ $v->{'$params'} }->collect_params if $k[0] eq '$params';
                return 0 + $v->{'$float'} if $k[0] eq '$float';
            }
            return { map { $_ => $self->value($v->{$_}) } @k };
        }
        return [ map { $self->value($_) } @$v ] if ref $v eq 'ARRAY';
        return main::perl_value($v);
    }

    sub arrays {
        my ($self, $spec) = @_;
        return undef unless defined $spec;
        return $self->{inputs}{$spec} // die "no input '$spec'\n" unless ref $spec;
        return [ map { $self->arrays($_) } @$spec ] if ref $spec eq 'ARRAY';
        return $self->value($spec);
    }

    sub class_of {
        my ($name) = @_;
        die { na => "no class '$name'" } unless $CLASSES{$name};
        return "AI::FusedRNN::Gluon::RNN::$name";
    }

    # args then key => value pairs, keys sorted (the order of names does not matter in Perl)
    sub ctor_args {
        my ($self, $spec) = @_;
        my $kw = $spec->{kwargs} // {};
        return (@{ $self->value($spec->{args} // []) }, map { $_ => $self->value($kw->{$_}) } sort keys %$kw);
    }

    sub build {
        my ($self, $spec) = @_;
        if ($spec->{class} eq 'Block') {
            my %kw = %{ $spec->{kwargs} // {} };
            my $children = delete $kw{children} // {};
            my $b = AI::FusedRNN::Gluon::Block->new(map { $_ => $self->value($kw{$_}) } sort keys %kw);
            $b->register_child($self->value($children->{$_}), $_) for sort keys %$children;
            return $b;
        }
        return class_of($spec->{class})->new($self->ctor_args($spec));
    }

    sub block { my ($self, $a) = @_; return $self->{blocks}{ $a->{on} // 'main' } // die "no block '" . ($a->{on} // 'main') . "'\n" }

    sub prefix_free {
        my ($self, $b) = @_;
        my $pd = $b->collect_params;
        my $p = $pd->prefix;
        return map { my $k = $_; (index($k, $p) == 0 ? substr($k, length $p) : $k) => $pd->param($k) } $pd->keys;
    }

    sub prefix_free_keys {
        my ($self, $b) = @_;
        my $pd = $b->collect_params;
        my $p = $pd->prefix;
        return map { index($_, $p) == 0 ? substr($_, length $p) : $_ } $pd->keys;
    }

    # The constructor's parameter list as the binding's argument parser sees it:
    # the spec table the constructor hands to its parser (name, default) gives
    # the positional order and defaults; names the parser accepts besides them
    # (with their defaults) are keyword-only; a parameter whose default is undef
    # is required when leaving it out makes the constructor die.
    sub constructor_signature {
        my ($self, $name) = @_;
        my $spec = $self->{specs}{$name} or die { na => "signature of a block not built by this script" };
        die { na => "signature of a plain Block" } if $spec->{class} eq 'Block';
        my $class = class_of($spec->{class});
        my @args = $self->ctor_args($spec);
        my ($table, $parsed) = capture_spec($class, @args);
        my @positional;
        my %in_table = map { $_->[0] => 1 } @$table;
        # all given arguments by name (positional ones named by the table)
        my %named = named_args($table, $parsed, \@args);
        for my $entry (@$table) {
            my ($n, $d) = @$entry;
            if (!defined $d && is_required($class, $n, \%named)) {
                push @positional, [$n];
            } else {
                push @positional, [$n, $d];
            }
        }
        my %keyword = map { $_ => $parsed->{$_} } grep { !$in_table{$_} } keys %$parsed;
        return { positional => \@positional, keyword => \%keyword };
    }

    my $SENTINEL = "conformance: spec captured\n";

    sub capture_spec {
        my ($class, @args) = @_;
        my ($table, $parsed);
        no warnings 'redefine';
        my $cell_parse = \&AI::FusedRNN::Gluon::RNN::Cell::_parse;
        my $layer_parse = \&AI::FusedRNN::Gluon::RNN::Layer::_parse_args;
        local *AI::FusedRNN::Gluon::RNN::Cell::_parse = sub {
            my ($c, $s, $al, @a) = @_;
            ($table, $parsed) = ($s, $cell_parse->($c, $s, $al, @a));
            die $SENTINEL;
        };
        local *AI::FusedRNN::Gluon::RNN::Layer::_parse_args = sub {
            my ($c, $s, $al, @a) = @_;
            ($table, $parsed) = ($s, $layer_parse->($c, $s, $al, @a));
            die $SENTINEL;
        };
        local %AI::FusedRNN::Gluon::Block::TOP_COUNTER = %AI::FusedRNN::Gluon::Block::TOP_COUNTER;
        eval { $class->new(@args); 1 } and die "the constructor of $class did not go through its argument parser\n";
        die $@ unless $@ eq $SENTINEL;
        return ($table, $parsed);
    }

    sub named_args {
        my ($table, $parsed, $args) = @_;
        my %known = map { $_->[0] => 1 } @$table;
        my %named;
        # parsed values of every name the caller set (by position or name)
        for my $k (keys %$parsed) {
            $named{$k} = $parsed->{$k};
        }
        return %named;
    }

    sub is_required {
        my ($class, $name, $named) = @_;
        my %a = %$named;
        delete $a{$name};
        # a modifier cell marks its base cell; undo that for the probe
        my @blocks = grep { blessed($_) && $_->isa('AI::FusedRNN::Gluon::Block') } values %a;
        my %was = map { Scalar::Util::refaddr($_) => $_->{modified} } @blocks;
        local %AI::FusedRNN::Gluon::Block::TOP_COUNTER = %AI::FusedRNN::Gluon::Block::TOP_COUNTER;
        $_->{modified} = 0 for @blocks;
        my $ok = eval { $class->new(map { $_ => $a{$_} } grep { defined $a{$_} } sort keys %a); 1 };
        $_->{modified} = $was{ Scalar::Util::refaddr($_) } for @blocks;
        return !$ok;
    }

    sub state_func {
        my ($name) = @_;
        return undef if !defined $name || $name eq 'zeros';
        if ($name eq 'ones') {
            return sub {
                my %i = @_;
                my $dt = AI::FusedRNN::_dtype_name('begin_state', 'dtype', $i{dtype} // 'float32');
                return PDL::Core::ones(AI::FusedRNN::_pdl_type($dt), reverse @{ $i{shape} });
            };
        }
        return sub { my %i = @_; return $i{name} } if $name eq '$names';
        die { na => "begin_state func $name" };
    }

    sub mode_opts {
        my ($a) = @_;
        return ((exists $a->{training} ? (training => main::perl_value($a->{training})) : ()),
                (exists $a->{seed} ? (seed => $a->{seed}) : ()));
    }

    sub tempfile {
        my ($fh, $path) = File::Temp::tempfile(SUFFIX => '.params', UNLINK => 1);
        close $fh;
        return $path;
    }

    sub act {
        my ($self, $a) = @_;
        my $do = $a->{do};
        if ($do eq 'build') {
            my $name = $a->{name} // 'main';
            $self->{blocks}{$name} = $self->build($a->{block});
            $self->{specs}{$name} = $a->{block};
            return undef;
        }
        my $b = $self->block($a);
        if ($do eq 'signature') {
            my $of = $a->{of} // 'constructor';
            die { na => "signature of $of: a Perl method has no parameter list to introspect "
                       . "(the Perl calling conventions are checked at the perl level)" } unless $of eq 'constructor';
            return $self->constructor_signature($a->{on} // 'main');
        }
        return $b->repr if $do eq 'repr';
        return $b->prefix if $do eq 'prefix';
        if ($do eq 'params') {
            my %p = $self->prefix_free($b);
            return [ map { [ $_, [ @{ $p{$_}->shape } ], $p{$_}->dtype ] } $self->prefix_free_keys($b) ];
        }
        return [ $b->collect_params->keys ] if $do eq 'collect_params';
        if ($do eq 'state_info') {
            my $infos = exists $a->{batch_size} ? $b->state_info($a->{batch_size}) : $b->state_info;
            return [ map { my $i = $_; +{ map { $_ => ($_ eq 'shape' ? [ @{ $i->{$_} } ] : $i->{$_}) } keys %$i } } @$infos ];
        }
        if ($do eq 'begin_state') {
            my %kw = %{ $self->value($a->{kwargs} // {}) };
            my $f = state_func($a->{func});
            $kw{func} = $f if $f;
            return $b->begin_state(exists $a->{batch_size} ? $a->{batch_size} : undef, %kw);
        }
        if ($do eq 'initialize') {
            srand($a->{seed}) if defined $a->{seed};
            PDL::srandom($a->{seed}) if defined $a->{seed} && defined &PDL::srandom;
            local $SIG{__WARN__} = sub { };
            $b->initialize((defined $a->{init} ? (init => $a->{init}) : ()), ($a->{force} ? (force_reinit => 1) : ()));
            return undef;
        }
        if ($do eq 'set_params') {
            { local $SIG{__WARN__} = sub { }; $b->collect_params->initialize; }
            my %p = $self->prefix_free($b);
            for my $k (sort keys %{ $a->{params} }) {
                my $p = $p{$k} // die "no parameter '$k'\n";
                $p->set_data($self->{inputs}{ $a->{params}{$k} });
            }
            return undef;
        }
        if ($do eq 'get_params') {
            my %p = $self->prefix_free($b);
            return [ map { ($p{$_} // die "no parameter '$_'\n")->data->copy } @{ $a->{names} } ];
        }
        if ($do eq 'cast') { $b->cast($a->{dtype}); return undef }
        if ($do eq 'hybridize') { $b->hybridize; return undef }
        if ($do eq 'add') { $b->add($self->{blocks}{ $a->{child} }); return undef }
        if ($do eq 'unfuse') { $self->{blocks}{ $a->{name} // 'main' } = $b->unfuse; return undef }
        if ($do eq 'call') {
            my @args = ($self->arrays($a->{inputs}));
            push @args, $self->arrays($a->{states}) if exists $a->{states};
            push @args, sequence_length => $self->arrays($a->{sequence_length}) if exists $a->{sequence_length};
            my @r = $b->(@args, mode_opts($a));
            return @r == 1 ? $r[0] : [ @r ];
        }
        if ($do eq 'step') {
            my @args = ($self->arrays($a->{inputs}));
            push @args, $self->arrays($a->{states}) if exists $a->{states};
            my ($out, $states) = $b->(@args, mode_opts($a));
            return [ $out, $states ];
        }
        if ($do eq 'unroll') {
            die { na => "positional unroll arguments: the Perl unroll takes (length, inputs) then key => value pairs" }
                if $a->{positional};
            my %kw = mode_opts($a);
            $kw{$_} = $self->arrays($a->{$_}) for grep { exists $a->{$_} } qw(begin_state valid_length);
            $kw{layout} = $a->{layout} if exists $a->{layout};
            $kw{merge_outputs} = main::perl_value($a->{merge_outputs}) if exists $a->{merge_outputs};
            my ($outs, $states) = $b->unroll($a->{length}, $self->arrays($a->{inputs}), %kw);
            return [ $outs, $states ];
        }
        if ($do eq 'save_names' || $do eq 'save_load') {
            my $path = tempfile();
            $b->save_parameters($path);
            my $file = AI::FusedRNN::MXNetFormat::load($path);
            return $file->{names} // [] if $do eq 'save_names';
            my $fresh = $self->build($a->{block});
            $fresh->load_parameters($path);
            my %theirs = map { $_->[0] => $_->[1] } @{ $fresh->_collect_params_with_prefix };
            for (@{ $b->_collect_params_with_prefix }) {
                my ($k, $p) = @$_;
                my $q = $theirs{$k} or return JSON::PP::false;
                my ($x, $y) = ($p->data, $q->data);
                return JSON::PP::false unless "@{[$x->dims]}" eq "@{[$y->dims]}" && $x->type == $y->type
                    && ${ $x->copy->get_dataref } eq ${ $y->copy->get_dataref };
            }
            return JSON::PP::true;
        }
        if ($do eq 'save_bytes') {
            my $path = tempfile();
            $b->save_parameters($path);
            my $slurp = sub { open my $fh, '<:raw', $_[0] or die "$_[0]: $!\n"; local $/; my $d = <$fh>; $d // '' };
            return $slurp->($path) eq $slurp->($a->{file}) ? JSON::PP::true : JSON::PP::false;
        }
        if ($do eq 'load_parameters') { $b->load_parameters($a->{file}); return undef }
        die { na => "action $do" };
    }

    sub run {
        my ($self) = @_;
        local %AI::FusedRNN::Gluon::Block::TOP_COUNTER = ();   # a fresh naming context
        local $AI::FusedRNN::Gluon::Block::SCOPE;
        my $blocks = $self->{config}{blocks} // {};
        for my $name (sort keys %$blocks) {
            eval { $self->{blocks}{$name} = $self->build($blocks->{$name}); $self->{specs}{$name} = $blocks->{$name}; 1 }
                or main::rethrow($@, -1);
        }
        my $i = 0;
        for my $action (@{ $self->{config}{actions} // [] }) {
            my $r = eval { [ $self->act($action) ] } or main::rethrow($@, $i);
            push @{ $self->{results} }, $r->[0];
            $i++;
        }
        return $self->{results};
    }
}

# An action's failure: not applicable passes through; anything else carries the index.
sub rethrow {
    my ($e, $index) = @_;
    die $e if ref $e eq 'HASH' && (exists $e->{na} || exists $e->{action});
    die { action => $index, exc => $e };
}

sub run_script {
    my ($case) = @_;
    load_gluon();
    my %inputs = map { $_ => decode_array($case->{inputs}{$_}) } keys %{ $case->{inputs} // {} };
    my $results = Conformance::Script->new($case->{config} // {}, \%inputs)->run;
    return { results => encode_results($results) };
}

# ---------------------------------------------------------------------------
# the perl level (call kind "perl"): config.code is Perl run with the inputs
# in %in (PDLs) and returning the list of results
# ---------------------------------------------------------------------------

sub run_perl {
    my ($case) = @_;
    load_gluon();
    my $code = $case->{config}{code} // die { na => 'no code' };
    my %inputs = map { $_ => decode_array($case->{inputs}{$_}) } keys %{ $case->{inputs} // {} };
    my $sub = Conformance::PerlCase::compile($code);
    local %AI::FusedRNN::Gluon::Block::TOP_COUNTER = ();
    local $AI::FusedRNN::Gluon::Block::SCOPE;
    my @r = eval { $sub->(%inputs) };
    die $@ if $@;
    return { results => encode_results(\@r) };
}

{
    package Conformance::PerlCase;
    # Helpers for perl-level case code: T(cond) a JSON boolean, dies(sub) the
    # message the code dies with (undef when it does not), pdl_dims($pdl) its PDL dims (array ref).
    sub T { return $_[0] ? JSON::PP::true : JSON::PP::false }
    sub dies { my ($c) = @_; return eval { $c->(); 1 } ? undef : ("" . $@) =~ s/\s+\z//r }
    sub pdl_dims { return [ $_[0]->dims ] }
    sub compile {
        my ($code) = @_;
        my $sub = eval "package Conformance::PerlCase; use strict; use warnings; use PDL; "
            . "use AI::FusedRNN::Gluon qw(gluon train_mode predict_mode is_training); use AI::FusedRNN::Gluon::RNN; "
            . "sub { my (%in) = \@_; $code\n }";
        die "case code does not compile: $@" unless $sub;
        return $sub;
    }
}

sub error_of {
    my ($e) = @_;
    my $type = blessed($e) ? ref $e : 'die';
    (my $msg = "$e") =~ s/\s+\z//;
    return { type => $type, message => $msg };
}

sub respond {
    my ($req) = @_;
    my $op = $req->{op} // '';
    if ($op eq 'hello') {
        return { error => { type => 'ProtocolError', message => "unsupported protocol" } }
            unless ($req->{protocol} // 0) == $PROTOCOL;
        return { protocol => $PROTOCOL, implementation => 'perl',
                 version => $AI::FusedRNN::VERSION // '?', levels => [qw(operator layer cell perl)],
                 kinds => [qw(forward param_size param_layout dropout_keep script perl)],
                 error_types => 'untyped', booleans => 'numeric' };
    }
    return { bye => JSON::PP::true } if $op eq 'bye';
    return { error => { type => 'ProtocolError', message => "unknown op '$op'" } } unless $op eq 'run';
    my $res = eval { run_case($req->{case}) };
    return $res if $res;
    my $e = $@;
    return { not_applicable => $e->{na} } if ref $e eq 'HASH' && exists $e->{na};
    if (ref $e eq 'HASH' && exists $e->{action}) {
        my $x = $e->{exc};
        return { not_applicable => $x->{na} } if ref $x eq 'HASH' && exists $x->{na};
        return { error => { %{ error_of($x) }, action => $e->{action} } };
    }
    return { error => error_of($e) };
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
