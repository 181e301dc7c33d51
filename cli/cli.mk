# krimpctl, the command-line client (cli/): included by the top-level
# Makefile.  Plain C on libpq, the core library, yajl and libcsv; built by
# "make" (all), installed by "make install" next to psql (pg_config --bindir).
CLI_SRCS	= $(sort $(wildcard cli/*.c))
CLI_OBJS	= $(patsubst cli/%.c,build/cli/%.o,$(CLI_SRCS))
CLI_BIN		= cli/krimpctl
CLI_CFLAGS	= -std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Iextension/core \
			  -I$(shell $(PG_CONFIG) --includedir) -DKRIMP_VERSION='"$(EXTVERSION)"'
CLI_LIBS	= $(CORE_LIB) -L$(shell $(PG_CONFIG) --libdir) -lpq -lyajl -lcsv -lm
CLI_MANS	= $(wildcard docs/man/krimpctl*.1)

.PHONY: cli install-cli
cli: $(CLI_BIN)
all: $(CLI_BIN)
install: install-cli

build/cli/%.o: cli/%.c $(wildcard cli/*.h) $(wildcard extension/core/*.h)
	@mkdir -p build/cli
	$(CC) $(CLI_CFLAGS) -c -o $@ $<

$(CLI_BIN): $(CLI_OBJS) $(CORE_LIB)
	$(CC) -o $@ $(CLI_OBJS) $(CLI_LIBS)

install-cli: $(CLI_BIN)
	install -d '$(DESTDIR)$(shell $(PG_CONFIG) --bindir)'
	install -m 755 $(CLI_BIN) '$(DESTDIR)$(shell $(PG_CONFIG) --bindir)/krimpctl'
ifneq ($(CLI_MANS),)
	install -d '$(DESTDIR)$(shell $(PG_CONFIG) --mandir)/man1'
	install -m 644 $(CLI_MANS) '$(DESTDIR)$(shell $(PG_CONFIG) --mandir)/man1/'
endif

EXTRA_CLEAN += $(CLI_BIN)
