// SPDX-License-Identifier: GPL-2.0
/* Learn vmemmap from (struct page *, pfn) pairs; see pfn.h. */
#include "pfn.h"

int pfn_calibrate(const unsigned long long *pages, int nr_pages,
		  const unsigned long long *pfns, int nr_pfns,
		  unsigned int page_size, unsigned long long *base)
{
	unsigned long long cand, best = 0;
	int i, j, k, l, votes, best_votes = 0;

	if (!page_size || nr_pfns <= 0)
		return -1;
	/*
	 * Every pairing proposes a base; count how many pfns it explains
	 * (each at most once).  Tens of pairs: quadratic is fine.
	 */
	for (i = 0; i < nr_pages; i++) {
		for (j = 0; j < nr_pfns; j++) {
			if (!pfns[j])
				continue;
			cand = pages[i] - pfns[j] * page_size;
			votes = 0;
			for (k = 0; k < nr_pfns; k++) {
				for (l = 0; l < nr_pages; l++) {
					if (pfns[k] &&
					    pages[l] == cand + pfns[k] * page_size) {
						votes++;
						break;
					}
				}
			}
			if (votes > best_votes) {
				best_votes = votes;
				best = cand;
			}
		}
	}
	if (best_votes * 2 <= nr_pfns)
		return -1;
	*base = best;
	return 0;
}

unsigned long long pfn_of(unsigned long long page, unsigned long long base,
			  unsigned int page_size)
{
	if (!base || !page_size || page < base)
		return PFN_UNKNOWN;
	return (page - base) / page_size;
}
