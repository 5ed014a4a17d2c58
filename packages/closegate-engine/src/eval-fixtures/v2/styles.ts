import type { Rng } from './rng.js';

/** A counterparty as the GL names it and as its bank writes it. */
export interface Party {
  gl: string;
  bank: string;
}

/**
 * How one set writes its lines: counterparties, invoice numbers, and the
 * narratives of each bank export format. The held-out style uses other
 * formats, wordings and names than the tuning style, so rules tuned on one
 * are judged on text they never saw.
 */
export interface Style {
  set: 'tuning' | 'held-out';
  seed: number;
  us: Party[];
  india: Party[];
  japan: Party[];
  invoice(n: number): string;
  ach(p: Party, inv: string, r: Rng): { reference: string; description: string };
  wire(p: Party, inv: string, r: Rng): { reference: string; description: string };
  sepa(p: Party, inv: string, r: Rng): { reference: string; description: string };
  neft(p: Party, inv: string, r: Rng): { reference: string; description: string };
  upi(p: Party, inv: string, r: Rng): { reference: string; description: string };
  /** An Indian transfer naming only the payer (no invoice). */
  rtgsNoInvoice(p: Party, r: Rng): { reference: string; description: string };
  zengin(p: Party, r: Rng): { reference: string; description: string };
  lockbox(batch: string): { reference: string; description: string };
  lockboxItem(check: string): { reference: string; description: string };
  check(num: string): { reference: string; description: string };
  glCheck(num: string): { reference: string; description: string };
  card(batch: string): { reference: string; description: string };
  glCard(batch: string): { reference: string; description: string };
  fee(r: Rng): { reference: string; description: string };
  returnOf(p: Party, inv: string, r: Rng): { reference: string; description: string };
  glReceipt: string;
  glReversal(inv: string): string;
  ic: { entity: string; currency: string; accountA: string; accountB: string; ref(n: number): string };
  fxCurrency: string[];
}

const ymd = (r: Rng): string => `2603${String(r.int(1, 28)).padStart(2, '0')}`;

export const TUNING: Style = {
  set: 'tuning',
  seed: 0x5eed_0001,
  us: [
    { gl: 'Brightline Foods Inc', bank: 'BRIGHTLINE FOODS' },
    { gl: 'Cobalt Ridge LLC', bank: 'COBALT RIDGE LLC' },
    { gl: 'Harbor Analytics Corp', bank: 'HARBOR ANALYTICS' },
    { gl: 'Mesa Verde Supply Co', bank: 'MESA VERDE SUPPLY' },
    { gl: 'Northwind Traders Inc', bank: 'NORTHWIND TRADERS INC' },
    { gl: 'Pinecrest Dental Group', bank: 'PINECREST DENTAL GRP' },
  ],
  india: [
    { gl: 'Sharma Textiles Pvt Ltd', bank: 'SHARMA TEXTILES PVT LTD' },
    { gl: 'Kaveri Agro Industries', bank: 'KAVERI AGRO INDUSTRIES' },
    { gl: 'Mehta Auto Components Pvt Ltd', bank: 'MEHTA AUTO COMPONENTS' },
  ],
  japan: [
    { gl: 'ヤマダショウジ', bank: 'ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ' },
    { gl: 'サトウデンキ', bank: 'ｻﾄｳﾃﾞﾝｷ(ｶ' },
    { gl: 'タナカケンセツ', bank: 'ｶ)ﾀﾅｶｹﾝｾﾂ' },
  ],
  invoice: (n) => `INV-${n}`,
  ach: (p, inv, r) => ({
    reference: r.digits(15),
    description: `ACH CREDIT ${p.bank} PPD ID:${r.digits(10)} ${inv}`,
  }),
  wire: (p, inv, r) => ({ reference: `W${r.digits(9)}`, description: `INCOMING WIRE ${p.bank} REF ${inv}` }),
  sepa: (p, inv, r) => ({
    reference: r.digits(12),
    description: `SEPA CREDIT TRANSFER ${p.bank} REMITTANCE ${inv}`,
  }),
  neft: (p, inv, r) => ({
    reference: `HDFCN5${r.digits(14)}`,
    description: `NEFT-HDFC000${r.digits(4)}-${p.bank}-${inv}`,
  }),
  upi: (p, inv, r) => ({
    reference: r.digits(12),
    description: `UPI/${r.digits(12)}/${p.bank}/${p.bank.split(' ')[0]!.toLowerCase()}@okhdfc/${inv}`,
  }),
  rtgsNoInvoice: (p, r) => ({
    reference: `UTIBR5${r.digits(16)}`,
    description: `RTGS-UTIBR5${r.digits(16)}-${p.bank}`,
  }),
  zengin: (p) => ({ reference: '', description: `ﾌﾘｺﾐ ${p.bank}` }),
  lockbox: (batch) => ({ reference: `LBX${batch}`, description: `LOCKBOX DEPOSIT BATCH ${batch}` }),
  lockboxItem: (check) => ({ reference: `CHK-${check}`, description: `Customer check ${check}` }),
  check: (num) => ({ reference: num, description: `CHECK ${num}` }),
  glCheck: (num) => ({ reference: `CHK-${num}`, description: `Check received ${num}` }),
  card: (batch) => ({ reference: batch, description: `VISA SETTLEMENT BATCH ${batch}` }),
  glCard: (batch) => ({ reference: `CB-${batch}`, description: `Card sales batch ${batch}` }),
  fee: () => ({ reference: '', description: 'SERVICE CHARGE ACCOUNT ANALYSIS' }),
  returnOf: (p, inv) => ({ reference: '', description: `ACH RETURN R01 ${p.bank} ${inv}` }),
  glReceipt: 'Customer receipt',
  glReversal: (inv) => `Reversal of receipt ${inv}`,
  ic: {
    entity: 'DE01',
    currency: 'EUR',
    accountA: '1950',
    accountB: '2950',
    ref: (n) => `IC-2026-03-DE-${n}`,
  },
  fxCurrency: ['EUR', 'JPY'],
};

export const HELD_OUT: Style = {
  set: 'held-out',
  seed: 0x0dd_b175,
  us: [
    { gl: 'Quantum Freight LLC', bank: 'QUANTUM FREIGHT' },
    { gl: 'Silver Oak Partners LP', bank: 'SILVER OAK PARTNERS' },
    { gl: 'Tidewater Marine Inc', bank: 'TIDEWATER MARINE INC' },
    { gl: 'Redstone Builders Corp', bank: 'REDSTONE BUILDERS' },
    { gl: 'Evergreen Pharmacy LLC', bank: 'EVERGREEN PHARMACY' },
    { gl: 'Lakeside Veterinary Clinic', bank: 'LAKESIDE VETERINARY' },
    { gl: 'Falcon Aerospace Parts Inc', bank: 'FALCON AEROSPACE PRT' },
  ],
  india: [
    { gl: 'Deccan Polymers Pvt Ltd', bank: 'DECCAN POLYMERS PVT' },
    { gl: 'Sundaram Steel Traders', bank: 'SUNDARAM STEEL TRADERS' },
    { gl: 'Gupta Pharma Distributors', bank: 'GUPTA PHARMA DISTRIBUTORS' },
  ],
  japan: [
    { gl: '株式会社スズキサンギョウ', bank: 'ｽｽﾞｷｻﾝｷﾞﾖｳ(ｶ' },
    { gl: 'イトウショウカイ', bank: 'ｲﾄｳｼﾖｳｶｲ(ﾕ' },
    { gl: 'ワタナベコウギョウ', bank: 'ｶ)ﾜﾀﾅﾍﾞｺｳｷﾞﾖｳ' },
    { gl: 'コバヤシブッサン', bank: 'ｺﾊﾞﾔｼﾌﾞﾂｻﾝ(ｶ' },
  ],
  invoice: (n) => `Invoice #${n}`,
  ach: (p, inv, r) => ({
    reference: '',
    description: `ORIG CO NAME:${p.bank} ORIG ID:${r.digits(10)} DESC DATE:${ymd(r)} CO ENTRY DESCR:VENDOR PMT SEC:CCD TRACE#:${r.digits(15)} IND ID:${inv.replace(/[^0-9A-Za-z]/g, '')}`,
  }),
  wire: (p, inv, r) => ({
    reference: `${r.digits(8)}QMGFT001${r.digits(6)}`,
    description: `FEDWIRE CREDIT VIA: JPMORGAN CHASE BANK/021000021 B/O: ${p.bank} REF: ${inv} IMAD: 2026${ymd(r).slice(2)}`,
  }),
  sepa: (p, inv, r) => ({
    reference: '',
    description: `SEPA-GUTSCHRIFT ${p.bank} EREF: ${r.digits(12)} SVWZ: RECHNUNG ${inv.replace(/\D/g, '')} IBAN: DE${r.digits(20)}`,
  }),
  neft: (p, inv, r) => ({
    reference: '',
    description: `BY TRANSFER-NEFT*SBIN000${r.digits(4)}*SBINN5${r.digits(14)}*${p.bank}*${inv.replace(/[^0-9A-Za-z ]/g, '')}`,
  }),
  upi: (p, inv, r) => ({
    reference: '',
    description: `IMPS/P2A/${r.digits(12)}/${p.bank}/INV${inv.replace(/\D/g, '')}`,
  }),
  rtgsNoInvoice: (p, r) => ({
    reference: '',
    description: `BY TRANSFER-RTGS*ICIC000${r.digits(4)}*${p.bank}*`,
  }),
  zengin: (p) => ({ reference: '', description: `振込 ${p.bank}` }),
  lockbox: (batch) => ({ reference: '', description: `LBX ${batch} DEP ${batch.length} ITEMS REMIT` }),
  lockboxItem: (check) => ({ reference: check, description: `Lockbox receipt check no ${check}` }),
  check: (num) => ({ reference: '', description: `DEPOSITED ITEM ${num}` }),
  glCheck: (num) => ({ reference: `Chk no. ${num}`, description: 'Check deposit' }),
  card: (batch) => ({
    reference: '',
    description: `MC/VISA MERCHANT DEPOSIT MID ${batch}998 BATCH ${batch}`,
  }),
  glCard: (batch) => ({ reference: `MB ${batch}`, description: `Merchant batch ${batch} gross` }),
  fee: () => ({ reference: '', description: 'WIRE TRANSFER FEE INCOMING' }),
  returnOf: (p, inv) => ({
    reference: '',
    description: `RETURNED ITEM ${p.bank} ${inv.replace(/\D/g, '')} NSF`,
  }),
  glReceipt: 'Cash application',
  glReversal: (inv) => `VOID receipt ${inv}`,
  ic: {
    entity: 'GB01',
    currency: 'GBP',
    accountA: '1960',
    accountB: '2960',
    ref: (n) => `ICR/GB/${n}`,
  },
  fxCurrency: ['GBP', 'JPY', 'EUR'],
};
