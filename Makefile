# krimp: PostgreSQL extension (PGXS build), its core library, tests and tools.
#
#   make            build krimp.so and the versioned install script
#   make install    install into the PostgreSQL that pg_config names
#   make demo       the main job on the bundled data (installs what is missing)
#   make test       every test suite against a throwaway cluster
#   make unit       the core's C unit tests only (no server)
#   make bench      the benchmarks in bench/

EXTENSION	= krimp
EXTVERSION	= $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" krimp.control)
PGFILEDESC	= "krimp - monitoring population decline"

# The numerical core: plain C, no postgres.h.  Compiled once (position
# independent) and linked into krimp.so, the unit tests, the benchmarks and
# the command-line client.
CORE_SRCS	= $(sort $(wildcard extension/core/*.c))
CORE_OBJS	= $(CORE_SRCS:.c=.o)
CORE_LIB	= extension/core/libkrimpcore.a
# The fmgr layer: one file per SQL type or family.
GLUE_OBJS	= $(patsubst %.c,%.o,$(sort $(wildcard extension/*.c)))

MODULE_big	= krimp
OBJS		= $(GLUE_OBJS) $(CORE_OBJS)

# The install script of the current version is generated from the
# hand-edited parts in extension/install/ (in name order).  Released versions
# are frozen: extension/krimp--0.1.sql is the script 0.1 shipped, kept as it
# was.  The upgrade script 0.1 -> 0.2 is generated from the same parts: the
# changes to 0.1's tables (extension/install/upgrade/0.1--0.2.sql), the parts of
# functions that changed (run again), then every part 0.1 did not have, then
# the privileges part again, then the end of the upgrade (0.1--0.2-end.sql:
# users' views saved at its start are created again over the new objects).
# test/scripts/upgrade.sh
# checks that a fresh install and an updated one are the same.
INSTALL_SRCS = $(sort $(wildcard extension/install/*.sql))
PARTS_0.1	= $(addprefix extension/install/,00_header.sql 10_period.sql 20_series.sql 30_trend.sql \
			  35_detect.sql 40_warehouse.sql 42_load.sql 45_regions.sql 60_nightly.sql 99_privileges.sql)
# Parts that only create functions and views with CREATE OR REPLACE can be run
# again by an upgrade; 42_load.sql changed after 0.1, so 0.1 -> 0.2 re-runs it.
# (krimp.apply_batch, in 42_load.sql in 0.1, is in 43_apply.sql now: a new part)
# (42_load.sql in name order among the new parts: it reads the view of 41_blocks.sql)
UPGRADE_0.1_0.2 = extension/install/upgrade/0.1--0.2.sql \
			  $(sort extension/install/42_load.sql $(filter-out $(PARTS_0.1),$(INSTALL_SRCS))) \
			  extension/install/99_privileges.sql extension/install/upgrade/0.1--0.2-end.sql
DATA_built	= extension/krimp--$(EXTVERSION).sql extension/krimp--0.1--0.2.sql
DATA		= extension/krimp--0.1.sql

# pg_regress: one file per concern; "install" creates the extension first.
REGRESS		= install $(filter-out install,$(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=. --outputdir=build/regress

PG_CPPFLAGS	= -I$(srcdir)/extension
PG_CFLAGS	= -Wall -Wextra -Werror
EXTRA_CLEAN	= build $(CORE_LIB) $(DATA_built)

PG_CONFIG	?= pg_config
PGXS		:= $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else
# No PostgreSQL server headers yet: only deps, demo and test (which install
# them first) can run.
all install installcheck:
	@echo "PostgreSQL 15 server headers not found: run 'make deps' (or 'make demo' / 'make test')" >&2
	@exit 1
endif

all: $(CORE_LIB)

# krimpctl, the command-line client
include cli/cli.mk

extension/krimp--$(EXTVERSION).sql: $(INSTALL_SRCS) krimp.control
	cat $(INSTALL_SRCS) > $@

extension/krimp--0.1--0.2.sql: $(UPGRADE_0.1_0.2)
	cat $(UPGRADE_0.1_0.2) > $@

$(CORE_LIB): $(CORE_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

installcheck: | build/regress
build/regress:
	mkdir -p $@

# ---- the core's unit tests (no server) ----------------------------------
UNIT_SRCS	= $(sort $(wildcard test/unit/test_*.c))
UNIT_BINS	= $(patsubst test/unit/%.c,build/unit/%,$(UNIT_SRCS))
UNIT_CFLAGS	= -std=c99 -O2 -g -Wall -Wextra -Werror -Iextension/core -Itest/unit

build/unit/%: test/unit/%.c test/unit/unit.h $(CORE_LIB) $(wildcard extension/core/*.h)
	@mkdir -p build/unit
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(CORE_LIB) -lm

# The same tests with AddressSanitizer and UndefinedBehaviorSanitizer, the
# core compiled into each binary.
SAN_BINS	= $(patsubst test/unit/%.c,build/unit-san/%,$(UNIT_SRCS))
SAN_FLAGS	= -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

build/unit-san/%: test/unit/%.c test/unit/unit.h $(CORE_SRCS) $(wildcard extension/core/*.h)
	@mkdir -p build/unit-san
	$(CC) $(UNIT_CFLAGS) -O1 $(SAN_FLAGS) -o $@ $< $(CORE_SRCS) -lm

.PHONY: unit unit-san demo test bench deps check-core
unit: $(UNIT_BINS)
	@KRIMP_SUITE=unit bash test/run-unit.sh $(UNIT_BINS)

unit-san: $(SAN_BINS)
	@KRIMP_SUITE=unit-asan-ubsan bash test/run-unit.sh $(SAN_BINS)

# The core must not include PostgreSQL headers.
check-core:
	@! grep -nE '#include *[<"](postgres|fmgr|utils/|catalog/|access/|nodes/)' extension/core/*.[ch] \
		|| (echo "extension/core must not include PostgreSQL headers" >&2; exit 1)

deps:
	@bash scripts/deps.sh

demo:
	@bash scripts/demo.sh

test:
	@bash scripts/test.sh

bench:
	@bash bench/run.sh
