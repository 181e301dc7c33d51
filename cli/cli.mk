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

# Where "make install" puts krimpctl and its man pages (krimpctl(1), one
# krimpctl-COMMAND(1) per command).  By default, as PGXS installs a module:
# the binary next to psql (pg_config --bindir) and the man pages under
# share/man of PostgreSQL's prefix (pg_config --mandir, less the versioned
# folder of Debian's packages: /usr/share/postgresql/15/man gives
# /usr/share/man).  "make install PREFIX=/usr/local" puts them in
# $(PREFIX)/bin and $(PREFIX)/share/man/man1 instead, where a shell and man
# find them without settings; the extension itself always goes where
# pg_config says.  DESTDIR stages either, as for the extension.
ifdef PREFIX
CLI_BINDIR	= $(PREFIX)/bin
CLI_MANDIR	= $(PREFIX)/share/man
else
CLI_BINDIR	= $(bindir)
CLI_MANDIR	= $(patsubst %/postgresql/$(MAJORVERSION)/man,%/man,$(mandir))
endif

.PHONY: cli install-cli uninstall-cli krimpctl-dirs
cli: $(CLI_BIN)
all: $(CLI_BIN)
install: install-cli
uninstall: uninstall-cli

build/cli/%.o: cli/%.c $(wildcard cli/*.h) $(wildcard extension/core/*.h)
	@mkdir -p build/cli
	$(CC) $(CLI_CFLAGS) -c -o $@ $<

$(CLI_BIN): $(CLI_OBJS) $(CORE_LIB)
	$(CC) -o $@ $(CLI_OBJS) $(CLI_LIBS)

install-cli: $(CLI_BIN)
	install -d '$(DESTDIR)$(CLI_BINDIR)' '$(DESTDIR)$(CLI_MANDIR)/man1'
	install -m 755 $(CLI_BIN) '$(DESTDIR)$(CLI_BINDIR)/krimpctl'
	install -m 644 $(CLI_MANS) '$(DESTDIR)$(CLI_MANDIR)/man1/'

uninstall-cli:
	rm -f '$(DESTDIR)$(CLI_BINDIR)/krimpctl' $(addprefix '$(DESTDIR)$(CLI_MANDIR)/man1/,$(addsuffix ',$(notdir $(CLI_MANS))))

# the folders install-cli uses (for test/scripts/install.sh and packagers)
krimpctl-dirs:
	@echo 'bindir=$(CLI_BINDIR)'
	@echo 'mandir=$(CLI_MANDIR)'

EXTRA_CLEAN += $(CLI_BIN)
