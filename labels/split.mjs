// The dev films' own train/validation split, by a hash of the film's name: 20 % of the
// dev films are validation (every choice of model or setting is made there). The C
// trainer uses the same rule (label_film_split in wasm/tools/scene_labels.c).
export function filmSplit(film) {
  let h = 0x811c9dc5;                                   // FNV-1a 32
  for (const byte of new TextEncoder().encode(film)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 5 === 0 ? 'val' : 'train';
}
