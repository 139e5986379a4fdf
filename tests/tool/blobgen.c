// SPDX-License-Identifier: GPL-2.0-only
/*
 * blobgen: deterministic bad input for pkvm-mmio's robustness tests.
 *
 *   blobgen random SEED COUNT OUTDIR       noise, half of it FDT-shaped
 *   blobgen truncate DTB OUTDIR            DTB cut at many lengths
 *   blobgen mutate SEED COUNT DTB OUTDIR   DTB with a few bytes changed
 *
 * Its own PRNG, so the same seed gives the same files on every machine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state;

static uint64_t next(void)
{
	/* xorshift64*: tiny, and good enough to make noise. */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545f4914f6cdd1dULL;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static int save(const char *dir, const char *kind, int i,
		const unsigned char *buf, size_t len)
{
	char name[4096];
	FILE *f;

	snprintf(name, sizeof(name), "%s/%s-%04d.dtb", dir, kind, i);
	f = fopen(name, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(name);
		return -1;
	}
	return 0;
}

static unsigned char *slurp(const char *name, size_t *len)
{
	unsigned char *buf;
	FILE *f = fopen(name, "rb");
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET)) {
		perror(name);
		return NULL;
	}
	buf = malloc(n);
	if (!buf || fread(buf, 1, n, f) != (size_t)n) {
		perror(name);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

static int gen_random(int count, const char *dir)
{
	unsigned char buf[8192];
	int i;

	for (i = 0; i < count; i++) {
		size_t len = next() % sizeof(buf), j;

		for (j = 0; j < len; j++)
			buf[j] = next();
		/*
		 * Every other blob gets a plausible header so that it is not
		 * all turned away at the magic number.
		 */
		if (i % 2 && len >= 40) {
			uint32_t total = next() % 4 ? len : next() % (2 * len);

			put_be32(buf, 0xd00dfeed);
			put_be32(buf + 4, total);
			put_be32(buf + 8, 40 + next() % 64);
			put_be32(buf + 12, next() % total);
			put_be32(buf + 16, 40);
			put_be32(buf + 20, 17);
			put_be32(buf + 24, 16);
			put_be32(buf + 32, next() % total);
			put_be32(buf + 36, next() % total);
		}
		if (save(dir, "random", i, buf, len))
			return 1;
	}
	return 0;
}

static int gen_truncate(const char *dtb, const char *dir)
{
	size_t len, cut, step;
	unsigned char *buf = slurp(dtb, &len);
	int i = 0;

	if (!buf)
		return 1;
	/* Every byte of the header, then every few bytes of the rest. */
	step = len / 200 ? len / 200 : 1;
	for (cut = 0; cut < len; cut += cut < 64 ? 1 : step) {
		if (save(dir, "trunc", i++, buf, cut))
			return 1;
	}
	free(buf);
	return 0;
}

static int gen_mutate(int count, const char *dtb, const char *dir)
{
	size_t len;
	unsigned char *orig = slurp(dtb, &len), *buf;
	int i;

	if (!orig || !(buf = malloc(len)))
		return 1;
	for (i = 0; i < count; i++) {
		int n = 1 + next() % 8, j;

		memcpy(buf, orig, len);
		for (j = 0; j < n; j++) {
			size_t at = next() % len;

			/*
			 * Small values where cells and lengths live make
			 * trees that still pass fdt_check_full() and reach
			 * the parser.
			 */
			switch (next() % 4) {
			case 0:
				buf[at] = next();
				break;
			case 1:
				buf[at] ^= 1u << (next() % 8);
				break;
			case 2:
				buf[at] = next() % 4;
				break;
			default:
				buf[at] = 0xff;
				break;
			}
		}
		if (save(dir, "mutate", i, buf, len))
			return 1;
	}
	free(buf);
	free(orig);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "random")) {
		state = strtoull(argv[2], NULL, 0) | 1;
		return gen_random(atoi(argv[3]), argv[4]);
	}
	if (argc == 4 && !strcmp(argv[1], "truncate"))
		return gen_truncate(argv[2], argv[3]);
	if (argc == 6 && !strcmp(argv[1], "mutate")) {
		state = strtoull(argv[2], NULL, 0) | 1;
		return gen_mutate(atoi(argv[3]), argv[4], argv[5]);
	}
	fprintf(stderr, "usage: see the comment at the top of blobgen.c\n");
	return 2;
}
