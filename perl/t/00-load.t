use strict;
use warnings;
use Test::More;

BEGIN { use_ok('AI::FusedRNN', qw(rnn rnn_param_size pack_params unpack_params dropout_keep)) }

my $v = AI::FusedRNN::version();
ok($v >= 0, "core version number $v");
is(AI::FusedRNN::header_version(), $v, 'loaded core matches the header it was built with');
like(AI::FusedRNN::version_string(), qr/^\d+\.\d+\.\d+$/, 'version string');
is(AI::FusedRNN::version_string(),
   join('.', int($v / 10000), int($v / 100) % 100, $v % 100), 'string agrees with number');
ok(length AI::FusedRNN::status_message(0), 'status_message(0)');
ok(length AI::FusedRNN::status_message(-4), 'status_message(-4)');
ok(length AI::FusedRNN::status_message(12345), 'status_message of an unknown status');
ok(defined $AI::FusedRNN::VERSION, 'module version');

done_testing;
