//! Hints to the processor and the one vector comparison, kept in one place: the only
//! `unsafe` code of the crate.

/// Asks the CPU to start loading the cache line at `p`, which the run will read soon
/// (the engine: the next people to join, whose friend lists are scattered over the edge
/// arrays; the edge-list loader: the id table entries of the next lines). On ER
/// n = 100,000, p = 0.2 the bare cascade of benches/ic_floor.rs takes 2.8–3.6 ms a
/// run with it and 4.0–4.2 ms without (scripts/bench-peers prints both).
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint that never faults and never reads memory into the
    // program's state, whatever the address; SSE is part of the x86_64 baseline.
    unsafe {
        std::arch::x86_64::_mm_prefetch(p as *const i8, std::arch::x86_64::_MM_HINT_T0);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Bit i of the result is set when `coins[i] < upper[i]`, and the flag is true when
/// some `coins[i] == upper[i]` (16 unsigned 16-bit lanes): the chunked campaign's coins
/// per friend ([`crate::engine`]), compared 16 at a time.
#[inline(always)]
pub(crate) fn below_mask16(coins: &[u16; 16], upper: &[u16; 16]) -> (u64, bool) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of the x86_64 baseline; the unaligned loads read the two
    // 32-byte arrays, which the references guarantee are valid.
    unsafe {
        use std::arch::x86_64::*;
        let load = |a: &[u16; 16], half: usize| _mm_loadu_si128(a.as_ptr().add(8 * half) as *const __m128i);
        // Unsigned order is the signed order of the lanes with their top bit flipped.
        let flip = _mm_set1_epi16(i16::MIN);
        let (c0, c1) = (load(coins, 0), load(coins, 1));
        let (u0, u1) = (load(upper, 0), load(upper, 1));
        let lt0 = _mm_cmplt_epi16(_mm_xor_si128(c0, flip), _mm_xor_si128(u0, flip));
        let lt1 = _mm_cmplt_epi16(_mm_xor_si128(c1, flip), _mm_xor_si128(u1, flip));
        let eq = _mm_or_si128(_mm_cmpeq_epi16(c0, u0), _mm_cmpeq_epi16(c1, u1));
        (_mm_movemask_epi8(_mm_packs_epi16(lt0, lt1)) as u64, _mm_movemask_epi8(eq) != 0)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut mask = 0u64;
        let mut tie = false;
        for i in 0..16 {
            mask |= ((coins[i] < upper[i]) as u64) << i;
            tie |= coins[i] == upper[i];
        }
        (mask, tie)
    }
}
