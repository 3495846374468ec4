// SPDX-License-Identifier: GPL-2.0
/*
 * pair_bench: the test module's alloc/free micro-benchmark (PEX_IOC_BENCH
 * in lib/test_page_exclusive.c, the same loop), alone, so that it loads on a
 * kernel built without CONFIG_PAGE_EXCLUSIVE: the "not built" column of
 * make bench.  Built out of tree against each benchmark kernel.
 *
 *   echo "atomic 20000" >/sys/kernel/debug/labyrinth_pair_bench
 *   cat /sys/kernel/debug/labyrinth_pair_bench    # ns (instructions) per pair
 *
 * "exclusive" is GFP_ATOMIC | __GFP_EXCLUSIVE, which such a kernel ignores.
 * "leak N" instead destroys an owner object that still owns N pages, as a
 * driver tearing down a ring it did not drain, and reads back the ns of
 * page_exclusive_owner_destroy() alone: what finding the leaks costs.
 */
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/page_exclusive.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#define MAX_LEAK	65536

static struct dentry *file;
static u64 last_ns;

static int run_pairs(gfp_t gfp, u64 iterations)
{
	struct page *page;
	u64 start, i;

	start = ktime_get_ns();
	for (i = 0; i < iterations; i++) {
		page = alloc_page(gfp);
		if (!page)
			return -ENOMEM;
		__free_page(page);
		if (!(i & 0xffff))
			cond_resched();
	}
	last_ns = div64_u64(ktime_get_ns() - start, iterations);
	return 0;
}

static int run_leak(u64 nr)
{
	struct page_exclusive_owner owner;
	struct page **pages;
	u64 start, i;
	int err;

	if (nr > MAX_LEAK)
		return -EINVAL;
	pages = kvcalloc(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	err = page_exclusive_owner_init(&owner, "pair_bench leak");
	if (err)
		goto out;
	for (i = 0; i < nr; i++) {
		pages[i] = page_exclusive_alloc_pages(&owner, GFP_KERNEL, 0);
		if (!pages[i]) {
			err = -ENOMEM;
			break;
		}
	}
	start = ktime_get_ns();
	page_exclusive_owner_destroy(&owner);
	last_ns = ktime_get_ns() - start;
	/* Released by the destroy: ordinary pages now. */
	for (i = 0; i < nr && pages[i]; i++)
		__free_page(pages[i]);
out:
	kvfree(pages);
	return err;
}

static ssize_t pair_bench_write(struct file *f, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	char buf[64], kind[16];
	u64 iterations;
	gfp_t gfp;
	int err;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%15s %llu", kind, &iterations) != 2 || !iterations)
		return -EINVAL;
	if (!strcmp(kind, "atomic"))
		gfp = GFP_ATOMIC;
	else if (!strcmp(kind, "exclusive"))
		gfp = GFP_ATOMIC | __GFP_EXCLUSIVE;
	else if (!strcmp(kind, "leak"))
		gfp = 0;
	else
		return -EINVAL;
	err = gfp ? run_pairs(gfp, iterations) : run_leak(iterations);
	return err ? err : len;
}

static ssize_t pair_bench_read(struct file *f, char __user *ubuf, size_t len,
			       loff_t *ppos)
{
	char buf[32];
	int n = scnprintf(buf, sizeof(buf), "%llu\n", last_ns);

	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations pair_bench_fops = {
	.owner = THIS_MODULE,
	.write = pair_bench_write,
	.read = pair_bench_read,
};

static int __init pair_bench_init(void)
{
	file = debugfs_create_file("labyrinth_pair_bench", 0600, NULL, NULL,
				   &pair_bench_fops);
	return 0;
}

static void __exit pair_bench_exit(void)
{
	debugfs_remove(file);
}

module_init(pair_bench_init);
module_exit(pair_bench_exit);
MODULE_DESCRIPTION("alloc_page()/__free_page() pairs and owner destroys, for make bench");
MODULE_LICENSE("GPL");
