/*
 * fuzz_statline_csv.c
 *	  libFuzzer target: krimpctl load's reader of StatLine CSV (cli/statline_csv.c),
 *	  without a database; the driver and the invariants are in fuzz_cli.h.
 */
#include "fuzz_cli.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_cli_one(&csv_reader, "BevolkingAanHetBeginVanDePeriode_1", true, data, size);
}
