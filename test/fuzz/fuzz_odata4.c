/*
 * fuzz_odata4.c
 *	  libFuzzer target: krimpctl load's reader of CBS OData v4 JSON (cli/odata4.c over cli/json_stream.c),
 *	  without a database; the driver and the invariants are in fuzz_cli.h.
 */
#include "fuzz_cli.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_cli_one(&odata4_reader, "M000352", false, data, size);
}
