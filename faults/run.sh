#!/usr/bin/env bash
# The fault suite at full strength: kill -9 under load, a PostgreSQL restart, a Redis restart,
# a flood with slow consumers, SIGTERM under load, kill -9 and restart of the built jar with its
# embedded database (a *FaultIT, run after package). Needs PostgreSQL and Redis like the tests
# (TEST_DATABASE_URL, TEST_REDIS_URL) and redis-server installed. Prints the table and writes it
# into docs/RELIABILITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379}"
export OWC_REQUIRE_SERVICES=true
rm -f target/faults/report.md
mvn -q verify -Dtest='*FaultTest' -Dit.test='*FaultIT' -Dowc.faults=full -Dowc.test.jvm.args=-Dowc.faults=full
report=target/faults/report.md
cat "$report"
{
  echo "Last full run: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB."
  echo
  cat "$report"
} > target/faults/section.md
python3 - <<'PY'
import re, pathlib
doc = pathlib.Path("docs/RELIABILITY.md")
text = doc.read_text()
section = pathlib.Path("target/faults/section.md").read_text()
text = re.sub(r"(<!-- BEGIN LAST RUN -->\n).*?(<!-- END LAST RUN -->)", lambda m: m.group(1) + section + m.group(2), text, flags=re.S)
doc.write_text(text)
PY
echo "docs/RELIABILITY.md updated"
