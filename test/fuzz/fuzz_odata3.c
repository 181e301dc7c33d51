/*
 * fuzz_odata3.c
 *	  libFuzzer target: krimpctl load's reader of CBS OData v3 JSON (cli/odata3.c over cli/json_stream.c),
 *	  without a database; the driver and the invariants are in fuzz_cli.h.
 */
#include "fuzz_cli.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_cli_one(&odata3_reader, "BevolkingAanHetBeginVanDePeriode_1", false, data, size);
}
