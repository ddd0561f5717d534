import type { HandlersOf } from '../../core/api/dispatcher.js';
import type { thisLaptopContract } from '../../core/this-laptop/contract.js';
import { readThisLaptop } from './overview.js';

export function thisLaptopHandlers(): HandlersOf<typeof thisLaptopContract> {
  return {
    getThisLaptop: () => readThisLaptop(),
  };
}
