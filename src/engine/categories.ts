import { compact } from './text';
import { type CategoryKey, type FundCategory, type FundLevel, type LevelKey, UNRECOGNISED } from './types';

/** Spellings met in practice, after compacting; the canonical names map to themselves. */
const CATEGORY_SYNONYMS: Record<FundCategory, string[]> = {
  本级财政资金: ['本级财政资金', '本级资金', '本级财政', '区级财政资金', '县级财政资金', '区本级财政资金', '区财政资金', '县财政资金', '本级财政拨款', '财政拨款', '一般公共预算资金', '本级'],
  共同财政事权转移支付: ['共同财政事权转移支付', '共同财政事权转移支付资金', '共同事权转移支付', '共同财政事权', '财政事权转移支付', '财政事权转移支付资金'],
  专项转移支付: ['专项转移支付', '专项转移支付资金', '专项资金', '专项'],
  一般性转移支付: ['一般性转移支付', '一般性转移支付资金', '一般转移支付'],
  增发国债: ['增发国债', '增发国债资金', '增发国债补助资金', '国债资金', '国债', '2023年增发国债', '增发2023年国债'],
  债券资金: ['债券资金', '债券', '地方政府债券', '专项债券', '一般债券', '政府债券资金', '专项债券资金'],
  其他资金: ['其他资金', '其他', '其它资金', '其它'],
};

const LEVEL_SYNONYMS: Record<FundLevel, string[]> = {
  中央: ['中央', '中央级', '中央资金', '中央财政', '中央补助', '国家', '国家级'],
  省: ['省', '省级', '省级资金', '省财政', '省级财政', '省补助', '省资金'],
  市: ['市', '市级', '市级资金', '市财政', '市级财政', '市补助', '市资金'],
  本级: ['本级', '区', '县', '区级', '县级', '区本级', '县本级', '本级资金', '区级资金', '县级资金', '区财政', '县财政', '旗', '旗级', '市辖区'],
};

function invert<K extends string>(table: Record<K, string[]>): Map<string, K> {
  const map = new Map<string, K>();
  for (const key of Object.keys(table) as K[]) {
    for (const spelling of table[key]) map.set(compact(spelling), key);
  }
  return map;
}

const CATEGORY_MAP = invert(CATEGORY_SYNONYMS);
const LEVEL_MAP = invert(LEVEL_SYNONYMS);

/**
 * Maps a category cell to its canonical name; `null` when blank, 未识别 when it maps to none.
 * @example normaliseCategory('增发国债资金') // '增发国债'
 */
export function normaliseCategory(text: string): CategoryKey | null {
  const key = compact(text);
  if (key === '') return null;
  return CATEGORY_MAP.get(key) ?? UNRECOGNISED;
}

/**
 * Maps a level cell to 中央, 省, 市 or 本级; `null` when blank, 未识别 when it maps to none.
 * @example normaliseLevel('区本级') // '本级'
 */
export function normaliseLevel(text: string): LevelKey | null {
  const key = compact(text);
  if (key === '') return null;
  return LEVEL_MAP.get(key) ?? UNRECOGNISED;
}
