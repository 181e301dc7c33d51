# krimp: PostgreSQL extension (PGXS build), its core library, tests and tools.
#
#   make            build krimp.so and the versioned install script
#   make install    install into the PostgreSQL that pg_config names (krimpctl: cli/cli.mk)
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

# Released versions are frozen as they shipped: their install scripts
# extension/krimp--<version>.sql, and the upgrade scripts, written by hand,
# extension/install/upgrade/<from>--<to>.sql, with their SHA-256 in
# extension/released.sha256 (test/scripts/upgrade.sh checks them and updates
# every released version).  The version in development, krimp.control's
# default_version, is built into build/extension/: its install script from
# the hand-edited parts in extension/install/ (in name order), and the
# upgrade scripts under their installed names.  A change to the parts is
# also written, by hand, into the upgrade from the last release;
# "make freeze NEXT=x.y" releases the version in development (scripts/freeze.sh).
INSTALL_SRCS	= $(sort $(wildcard extension/install/*.sql))
UPGRADE_SRCS	= $(sort $(wildcard extension/install/upgrade/*--*.sql))
RELEASED	= $(filter-out extension/krimp--$(EXTVERSION).sql,$(sort $(wildcard extension/krimp--*.sql)))
DATA_built	= build/extension/krimp--$(EXTVERSION).sql \
		  $(patsubst extension/install/upgrade/%,build/extension/krimp--%,$(UPGRADE_SRCS))
DATA		= $(RELEASED)

# pg_regress: one file per concern; "install" creates the extension first.
REGRESS		= install $(filter-out install,$(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=. --outputdir=build/regress

PG_CPPFLAGS	= -I$(srcdir)/extension
PG_CFLAGS	= -Wall -Wextra -Werror
EXTRA_CLEAN	= build $(CORE_LIB)

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

build/extension/krimp--$(EXTVERSION).sql: $(INSTALL_SRCS) krimp.control
	@mkdir -p build/extension
	cat $(INSTALL_SRCS) > $@

build/extension/krimp--%.sql: extension/install/upgrade/%.sql
	@mkdir -p build/extension
	cp $< $@

.PHONY: freeze
freeze:
	@bash scripts/freeze.sh $(NEXT)

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
