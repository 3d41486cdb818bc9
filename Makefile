# masq — see README.md.  make | make demo | make test | make bench | make install | make install-system | make deb | make test-deb | make clean
SHELL := /bin/sh
MVN ?= mvn
MVNFLAGS ?= -B -ntp
PREFIX ?= /usr/local
DESTDIR ?=
JDK := $(shell . ./bin/launch.sh && masq_find_jdk)
# the class path, in bin/launch.sh's order: $(call CLASSPATH,DIR)
CLASSPATH = $$(. $(CURDIR)/bin/launch.sh && masq_classpath $(1))
JAVA := $(JDK)/bin/java
# the flags the short-lived commands run with (bin/launch.sh has them); the AOT cache is trained
# with the same ones
SHORT_FLAGS := -Xlog:disable -Xlog:all=warning:stderr $(shell . ./bin/launch.sh && echo "$$MASQ_SHORT_FLAGS")
# $(call AOT_TRAIN,CACHE,JARDIR,ARGS): the AOT cache CACHE from a training run of masq.tools.Train
# ARGS on the jars in JARDIR. JDK 25 warns of each class it leaves out of a cache because of a JVM
# limitation ("Skipping jdk/internal/event/SocketReadEvent: JFR event class", "...: Not in
# loaded state": the JFR event classes that sockets, sleeps and process starts load), 26 lines a
# build that no one can act on (JDK 26 logs them as info, JDK-8367910); those lines are left out,
# every other line the training prints is shown, and its exit code counts
AOT_TRAIN = $(JAVA) $(SHORT_FLAGS) -XX:AOTCacheOutput=$(1) -cp $(call CLASSPATH,$(2)) \
  masq.tools.Train $(3) 2> $(1).err; s=$$?; \
  grep -Ev '^\[[0-9.]+s\]\[warning\]\[aot\] Skipping [^ ]+: (JFR event class|Not in loaded state)$$' $(1).err >&2; \
  rm -f $(1).err; [ $$s = 0 ] || exit $$s
SOURCES := $(shell find lib/src/main tools/src/main -type f 2>/dev/null) pom.xml lib/pom.xml tools/pom.xml
TOOLS := $(notdir $(wildcard bin/masq-*)) sendmail
MAN := $(wildcard man/*.[1-8])
# make install-sendmail: masqmail's names in $(SBINDIR), as links to $(PREFIX)/bin/sendmail;
# USR_LIB_SENDMAIL=yes also links /usr/lib/sendmail; FORCE=yes replaces files already there
SBINDIR ?= $(PREFIX)/sbin
COMPAT_NAMES := sendmail mailq runq newaliases mailrm
USR_LIB_SENDMAIL ?=
FORCE ?=
# relative when the names sit beside bin/, so a DESTDIR tree works where it is staged
# the link hook (examples/masq-link-up) for NetworkManager and networkd-dispatcher: installed
# where the dispatcher's directory ($(SYSCONFDIR)/NetworkManager, .../networkd-dispatcher) exists,
# and always into a DESTDIR; an empty directory name skips that one (NM_DISPATCHER_DIR=)
SYSCONFDIR ?= /etc
NM_DISPATCHER_DIR ?= $(SYSCONFDIR)/NetworkManager/dispatcher.d
NETWORKD_DISPATCHER_DIR ?= $(SYSCONFDIR)/networkd-dispatcher/routable.d
LINK_HOOK_DIRS := $(strip $(NM_DISPATCHER_DIR) $(NETWORKD_DISPATCHER_DIR))
SBIN_LINK := $(if $(filter $(PREFIX)/sbin,$(SBINDIR)),../bin/sendmail,$(PREFIX)/bin/sendmail)

.PHONY: all build demo test test-deps bench fuzz mutation install install-system install-sendmail uninstall clean check-jdk

all: build

check-jdk:
	@test -n "$(JDK)" || { echo "make: no JDK >= 21 found (set JAVA_HOME)" >&2; exit 1; }

build: check-jdk build/launch.env

# jars and the AOT caches are made in one step, so a cache is never older than the jars;
# masq-inject, run once per message, has a cache of its own (a JVM loads every class in its cache)
build/launch.env: $(SOURCES) bin/launch.sh
	JAVA_HOME=$(JDK) $(MVN) $(MVNFLAGS) -q -pl lib,tools -am package -DskipTests
	mkdir -p build
	cp lib/target/masq-lib-*.jar build/masq-lib.jar.new && mv build/masq-lib.jar.new build/masq-lib.jar
	cp tools/target/masq-tools-*.jar build/masq-tools.jar.new && mv build/masq-tools.jar.new build/masq-tools.jar
	for j in lib/target/runtime/*.jar tools/target/runtime/*.jar; do cp $$j build/$${j##*/}.new && mv build/$${j##*/}.new build/$${j##*/}; done
	rm -f build/masq.aot build/masq-inject.aot
	$(call AOT_TRAIN,build/masq.aot,$(CURDIR)/build,)
	$(call AOT_TRAIN,build/masq-inject.aot,$(CURDIR)/build,inject)
	printf 'MASQ_LIB=%s\nMASQ_JDK=%s\n' "$(CURDIR)/build" "$(JDK)" > build/launch.env

demo: build
	sh examples/demo/run.sh

test-deps:
	sh tests/install-deps.sh

test: test-deps build
	JAVA_HOME=$(JDK) $(MVN) $(MVNFLAGS) test

bench: test-deps build
	sh tests/bench/bench.sh

# the fuzz tests of lib's parsers with many tries (make test runs them with 300 each)
FUZZ_TRIES ?= 20000
fuzz: check-jdk
	JAVA_HOME=$(JDK) mvn -B -ntp -q -pl lib -am test -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dfuzz.tries=$(FUZZ_TRIES)

# PIT over lib (on demand, tens of minutes on 2 cores): PACKAGES=masq.smtp limits it; the table
# per package, then lib/target/pit-reports/index.html
PACKAGES ?= masq
mutation: build
	JAVA_HOME=$(JDK) mvn -B -ntp -q -pl lib -am test-compile org.pitest:pitest-maven:mutationCoverage \
	  -DtargetClasses='$(PACKAGES).*' -DtargetTests='masq.*'
	python3 tests/mutation-table.py lib/target/pit-reports/mutations.xml

install: build
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/masq $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7 $(DESTDIR)$(PREFIX)/share/man/man8 \
	  $(DESTDIR)$(PREFIX)/share/doc/masq/examples
	for t in $(TOOLS); do cp bin/$$t $(DESTDIR)$(PREFIX)/bin/ && chmod 755 $(DESTDIR)$(PREFIX)/bin/$$t; done
	cp bin/launch.sh build/*.jar $(DESTDIR)$(PREFIX)/lib/masq/
	for m in $(MAN); do s=$${m##*.}; cp $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/; done
	cp -R examples/. $(DESTDIR)$(PREFIX)/share/doc/masq/examples/
	cp README.md spool-format.md $(DESTDIR)$(PREFIX)/share/doc/masq/
	# the dispatchers want their scripts owned by root, not writable by others (0755)
	for d in $(LINK_HOOK_DIRS); do [ -n "$(DESTDIR)" ] || [ -d "$$(dirname $$d)" ] || continue; \
	  mkdir -p $(DESTDIR)$$d && \
	  sed 's|/usr/local/bin/masq-deliver|$(PREFIX)/bin/masq-deliver|; s|/etc/masq/masq.conf|$(SYSCONFDIR)/masq/masq.conf|' \
	    examples/masq-link-up > $(DESTDIR)$$d/90-masq.new && chmod 755 $(DESTDIR)$$d/90-masq.new && \
	  mv $(DESTDIR)$$d/90-masq.new $(DESTDIR)$$d/90-masq; done
	# the AOT cache records the class path, so it is made again for the installed jars
	L=$(DESTDIR)$(PREFIX)/lib/masq; L=$$(cd $$L && pwd -P); rm -f $$L/masq.aot $$L/masq-inject.aot; \
	  $(call AOT_TRAIN,$$L/masq.aot,$$L,); \
	  $(call AOT_TRAIN,$$L/masq-inject.aot,$$L,inject); \
	  if [ -z "$(DESTDIR)" ]; then printf 'MASQ_LIB=%s\nMASQ_JDK=%s\n' "$$L" "$(JDK)" > $$L/launch.env; \
	  else printf 'MASQ_LIB=%s\nMASQ_JDK=%s\n' "$(PREFIX)/lib/masq" "$(JDK)" > $$L/launch.env; fi

# system mode (run as root): the spool and log belong to mail, maildrop/ is 1733; see spool-format.md
SPOOL_DIR ?= /var/spool/masq
LOG_DIR ?= /var/log/masq
install-system:
	sh examples/install-system.sh $(DESTDIR)$(SPOOL_DIR) $(DESTDIR)$(LOG_DIR) mail

# opt-in, so that an MTA already installed is not replaced by surprise
install-sendmail: install
	mkdir -p $(DESTDIR)$(SBINDIR)
	set -e; links=; for n in $(COMPAT_NAMES); do links="$$links $(DESTDIR)$(SBINDIR)/$$n=$(SBIN_LINK)"; done; \
	  [ -z "$(USR_LIB_SENDMAIL)" ] || { mkdir -p $(DESTDIR)/usr/lib; links="$$links $(DESTDIR)/usr/lib/sendmail=$(PREFIX)/bin/sendmail"; }; \
	  for lt in $$links; do l=$${lt%%=*}; t=$${lt#*=}; \
	    if [ -e "$$l" ] || [ -L "$$l" ]; then \
	      [ "$$(readlink "$$l")" != "$$t" ] || continue; \
	      if [ "$(FORCE)" != yes ]; then echo "make: $$l exists (another MTA?): remove it, or make install-sendmail FORCE=yes" >&2; exit 1; fi; \
	      rm -f "$$l"; \
	    fi; \
	    ln -s "$$t" "$$l"; \
	  done

uninstall:
	# the compatibility names only where they are install-sendmail's links
	for l in $(addprefix $(DESTDIR)$(SBINDIR)/,$(COMPAT_NAMES)) $(DESTDIR)/usr/lib/sendmail; do \
	  case $$(readlink "$$l") in $(SBIN_LINK)|$(PREFIX)/bin/sendmail) rm -f "$$l" ;; esac; \
	done
	for t in $(TOOLS); do rm -f $(DESTDIR)$(PREFIX)/bin/$$t; done
	for d in $(LINK_HOOK_DIRS); do rm -f $(DESTDIR)$$d/90-masq; done
	rm -rf $(DESTDIR)$(PREFIX)/lib/masq $(DESTDIR)$(PREFIX)/share/doc/masq
	for m in $(MAN); do s=$${m##*.}; rm -f $(DESTDIR)$(PREFIX)/share/man/man$$s/$${m##*/}; done

clean:
	rm -rf build lib/target tools/target tests/target demo

# make deb: the Debian package build/masq_VERSION_all.deb, from `make install` into a staging tree
# (PREFIX=/usr) and packaging/deb/ (README, "Debian package"). The AOT caches and launch.env
# that install makes for the build's JDK are left out: the postinst makes them for the
# installed runtime (packaging/deb/setup-jdk)
DEB_VERSION := $(shell sed -n 's:^  <version>\(.*\)</version>$$:\1:p' pom.xml)-1
DEB := build/masq_$(DEB_VERSION)_all.deb
DEB_ROOT := build/deb/root
DEB_UNITS := masq-smtpd.socket masq-smtpd@.service masq-smtpd.service masq-deliver.service \
  masq-deliver.timer masq-deliverd.service masq-pickup.path
.PHONY: deb test-deb
deb: $(DEB)
$(DEB): build/launch.env $(wildcard packaging/deb/* examples/* examples/systemd/*) $(MAN) README.md spool-format.md
	rm -rf build/deb && mkdir -p $(DEB_ROOT)
	$(MAKE) -s install DESTDIR=$(CURDIR)/$(DEB_ROOT) PREFIX=/usr SYSCONFDIR=/etc > build/deb/install.log 2>&1 || \
	  { cat build/deb/install.log >&2; exit 1; }
	set -e; R=$(DEB_ROOT); \
	rm -f $$R/usr/lib/masq/*.aot $$R/usr/lib/masq/launch.env; \
	install -m 755 packaging/deb/setup-jdk examples/install-system.sh $$R/usr/lib/masq/; \
	for n in mailq runq mailrm; do ln -s sendmail $$R/usr/bin/$$n; done; \
	mkdir -p $$R/usr/sbin && for n in sendmail newaliases; do ln -s ../bin/sendmail $$R/usr/sbin/$$n; done; \
	ln -s ../bin/sendmail $$R/usr/lib/sendmail; \
	gzip -9n $$R/usr/share/man/man*/*; \
	for n in sendmail mailq runq newaliases mailrm; do ln -s masq-sendmail.8.gz $$R/usr/share/man/man8/$$n.8.gz; done; \
	D=$$R/usr/share/doc/masq; gzip -9n $$D/README.md $$D/spool-format.md; \
	install -m 644 packaging/deb/copyright packaging/deb/README.Debian $$D/; \
	sed 's/@VERSION@/$(DEB_VERSION)/' packaging/deb/changelog | gzip -9n > $$D/changelog.Debian.gz; \
	install -d $$R/etc/masq $$R/etc/logrotate.d $$R/usr/lib/systemd/system; \
	install -m 644 packaging/deb/masq.conf $$R/etc/masq/masq.conf; \
	sed 's/^\([^#]\)/#\1/' examples/connection-routes > $$R/etc/masq/connection-routes; \
	install -m 644 packaging/deb/logrotate $$R/etc/logrotate.d/masq; \
	for u in $(DEB_UNITS); do case $$u in masq-smtpd*) m=masq-smtpd ;; *) m=masq-deliver ;; esac; \
	  sed 's|/usr/local/bin/|/usr/bin/|g; s|^ListenStream=25$$|ListenStream=127.0.0.1:25|; s|^\[Unit\]$$|&\nDocumentation=man:'$$m'(8)|' \
	    examples/systemd/$$u > $$R/usr/lib/systemd/system/$$u; done; \
	find $$R -type d -exec chmod 755 {} +; chmod -R go-w $$R; \
	mkdir -p $$R/DEBIAN; \
	install -m 755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm $$R/DEBIAN/; \
	install -m 644 packaging/deb/triggers $$R/DEBIAN/; \
	(cd $$R && find etc -type f | LC_ALL=C sort | sed 's|^|/|') > $$R/DEBIAN/conffiles; \
	(cd $$R && find usr -type f | LC_ALL=C sort | xargs md5sum) > $$R/DEBIAN/md5sums; \
	sed 's/@VERSION@/$(DEB_VERSION)/; s/@SIZE@/'"$$(du -sk --exclude=DEBIAN $$R | cut -f1)"'/' \
	  packaging/deb/control.in > $$R/DEBIAN/control
	dpkg-deb --root-owner-group -Zxz --build $(DEB_ROOT) $@.new > /dev/null && mv $@.new $@
	@echo "make: $@"

# make test-deb: the package installed, used and purged in a minimal Debian 13 root (as root;
# about a minute, the root's tarball cached in ~/.cache/masq-deb/): packaging/deb/test-deb.sh
test-deb: $(DEB)
	sh packaging/deb/test-deb.sh $(DEB)
