// Personal numbers for the masking tests, made valid the way the real ones are (checksums computed here).

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** An 18-digit resident ID with a valid GB 11643 check character. */
export function idNumber(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * W[i]!;
  return first17 + '10X98765432'[sum % 11]!;
}

/** The same 17 digits with a wrong check character: not an ID number. */
export function badIdNumber(first17: string): string {
  const good = idNumber(first17).at(-1)!;
  return first17 + (good === '0' ? '1' : '0');
}

/** Appends the Luhn check digit. */
export function luhnCard(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

export const ID = idNumber('11010519491231002'); // 11010519491231002X
export const BAD_ID = badIdNumber('32010619850315123');
export const MOBILE = '13912345678';
export const CARD = luhnCard('622202123456789012'); // 19 digits
export const LANDLINE = '021-62345678';
