#!/usr/bin/env node
import { createRequire as __ainkaCreateRequire } from 'node:module'; const require = __ainkaCreateRequire(import.meta.url);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __commonJS = (cb, mod) => function __require() {
  return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
};
var __copyProps = (to, from2, except, desc) => {
  if (from2 && typeof from2 === "object" || typeof from2 === "function") {
    for (let key of __getOwnPropNames(from2))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from2[key], enumerable: !(desc = __getOwnPropDesc(from2, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target2) => (target2 = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target2, "default", { value: mod, enumerable: true }) : target2,
  mod
));

// ../../node_modules/ml-matrix/matrix.js
var require_matrix = __commonJS({
  "../../node_modules/ml-matrix/matrix.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    var toString = Object.prototype.toString;
    function isAnyArray(value) {
      const tag = toString.call(value);
      return tag.endsWith("Array]") && !tag.includes("Big");
    }
    function max(input, options = {}) {
      if (!isAnyArray(input)) {
        throw new TypeError("input must be an array");
      }
      if (input.length === 0) {
        throw new TypeError("input must not be empty");
      }
      const { fromIndex = 0, toIndex = input.length } = options;
      if (fromIndex < 0 || fromIndex >= input.length || !Number.isInteger(fromIndex)) {
        throw new Error("fromIndex must be a positive integer smaller than length");
      }
      if (toIndex <= fromIndex || toIndex > input.length || !Number.isInteger(toIndex)) {
        throw new Error("toIndex must be an integer greater than fromIndex and at most equal to length");
      }
      let maxValue = input[fromIndex];
      for (let i = fromIndex + 1; i < toIndex; i++) {
        if (input[i] > maxValue)
          maxValue = input[i];
      }
      return maxValue;
    }
    function min(input, options = {}) {
      if (!isAnyArray(input)) {
        throw new TypeError("input must be an array");
      }
      if (input.length === 0) {
        throw new TypeError("input must not be empty");
      }
      const { fromIndex = 0, toIndex = input.length } = options;
      if (fromIndex < 0 || fromIndex >= input.length || !Number.isInteger(fromIndex)) {
        throw new Error("fromIndex must be a positive integer smaller than length");
      }
      if (toIndex <= fromIndex || toIndex > input.length || !Number.isInteger(toIndex)) {
        throw new Error("toIndex must be an integer greater than fromIndex and at most equal to length");
      }
      let minValue = input[fromIndex];
      for (let i = fromIndex + 1; i < toIndex; i++) {
        if (input[i] < minValue)
          minValue = input[i];
      }
      return minValue;
    }
    function rescale(input, options = {}) {
      if (!isAnyArray(input)) {
        throw new TypeError("input must be an array");
      } else if (input.length === 0) {
        throw new TypeError("input must not be empty");
      }
      let output;
      if (options.output !== void 0) {
        if (!isAnyArray(options.output)) {
          throw new TypeError("output option must be an array if specified");
        }
        output = options.output;
      } else {
        output = new Array(input.length);
      }
      const currentMin = min(input);
      const currentMax = max(input);
      if (currentMin === currentMax) {
        throw new RangeError("minimum and maximum input values are equal. Cannot rescale a constant array");
      }
      const { min: minValue = options.autoMinMax ? currentMin : 0, max: maxValue = options.autoMinMax ? currentMax : 1 } = options;
      if (minValue >= maxValue) {
        throw new RangeError("min option must be smaller than max option");
      }
      const factor = (maxValue - minValue) / (currentMax - currentMin);
      for (let i = 0; i < input.length; i++) {
        output[i] = (input[i] - currentMin) * factor + minValue;
      }
      return output;
    }
    var indent = " ".repeat(2);
    var indentData = " ".repeat(4);
    function inspectMatrix() {
      return inspectMatrixWithOptions(this);
    }
    function inspectMatrixWithOptions(matrix2, options = {}) {
      const {
        maxRows = 15,
        maxColumns = 10,
        maxNumSize = 8,
        padMinus = "auto"
      } = options;
      return `${matrix2.constructor.name} {
${indent}[
${indentData}${inspectData(matrix2, maxRows, maxColumns, maxNumSize, padMinus)}
${indent}]
${indent}rows: ${matrix2.rows}
${indent}columns: ${matrix2.columns}
}`;
    }
    function inspectData(matrix2, maxRows, maxColumns, maxNumSize, padMinus) {
      const { rows: rows2, columns } = matrix2;
      const maxI = Math.min(rows2, maxRows);
      const maxJ = Math.min(columns, maxColumns);
      const result = [];
      if (padMinus === "auto") {
        padMinus = false;
        loop: for (let i = 0; i < maxI; i++) {
          for (let j = 0; j < maxJ; j++) {
            if (matrix2.get(i, j) < 0) {
              padMinus = true;
              break loop;
            }
          }
        }
      }
      for (let i = 0; i < maxI; i++) {
        let line = [];
        for (let j = 0; j < maxJ; j++) {
          line.push(formatNumber(matrix2.get(i, j), maxNumSize, padMinus));
        }
        result.push(`${line.join(" ")}`);
      }
      if (maxJ !== columns) {
        result[result.length - 1] += ` ... ${columns - maxColumns} more columns`;
      }
      if (maxI !== rows2) {
        result.push(`... ${rows2 - maxRows} more rows`);
      }
      return result.join(`
${indentData}`);
    }
    function formatNumber(num3, maxNumSize, padMinus) {
      return (num3 >= 0 && padMinus ? ` ${formatNumber2(num3, maxNumSize - 1)}` : formatNumber2(num3, maxNumSize)).padEnd(maxNumSize);
    }
    function formatNumber2(num3, len) {
      let str2 = num3.toString();
      if (str2.length <= len) return str2;
      let fix = num3.toFixed(len);
      if (fix.length > len) {
        fix = num3.toFixed(Math.max(0, len - (fix.length - len)));
      }
      if (fix.length <= len && !fix.startsWith("0.000") && !fix.startsWith("-0.000")) {
        return fix;
      }
      let exp = num3.toExponential(len);
      if (exp.length > len) {
        exp = num3.toExponential(Math.max(0, len - (exp.length - len)));
      }
      return exp.slice(0);
    }
    function installMathOperations(AbstractMatrix3, Matrix4) {
      AbstractMatrix3.prototype.add = function add2(value) {
        if (typeof value === "number") return this.addS(value);
        return this.addM(value);
      };
      AbstractMatrix3.prototype.addS = function addS(value) {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) + value);
          }
        }
        return this;
      };
      AbstractMatrix3.prototype.addM = function addM(matrix2) {
        matrix2 = Matrix4.checkMatrix(matrix2);
        if (this.rows !== matrix2.rows || this.columns !== matrix2.columns) {
          throw new RangeError("Matrices dimensions must be equal");
        }
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) + matrix2.get(i, j));
          }
        }
        return this;
      };
      AbstractMatrix3.add = function add2(matrix2, value) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.add(value);
      };
      AbstractMatrix3.prototype.sub = function sub(value) {
        if (typeof value === "number") return this.subS(value);
        return this.subM(value);
      };
      AbstractMatrix3.prototype.subS = function subS(value) {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) - value);
          }
        }
        return this;
      };
      AbstractMatrix3.prototype.subM = function subM(matrix2) {
        matrix2 = Matrix4.checkMatrix(matrix2);
        if (this.rows !== matrix2.rows || this.columns !== matrix2.columns) {
          throw new RangeError("Matrices dimensions must be equal");
        }
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) - matrix2.get(i, j));
          }
        }
        return this;
      };
      AbstractMatrix3.sub = function sub(matrix2, value) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.sub(value);
      };
      AbstractMatrix3.prototype.subtract = AbstractMatrix3.prototype.sub;
      AbstractMatrix3.prototype.subtractS = AbstractMatrix3.prototype.subS;
      AbstractMatrix3.prototype.subtractM = AbstractMatrix3.prototype.subM;
      AbstractMatrix3.subtract = AbstractMatrix3.sub;
      AbstractMatrix3.prototype.mul = function mul(value) {
        if (typeof value === "number") return this.mulS(value);
        return this.mulM(value);
      };
      AbstractMatrix3.prototype.mulS = function mulS(value) {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) * value);
          }
        }
        return this;
      };
      AbstractMatrix3.prototype.mulM = function mulM(matrix2) {
        matrix2 = Matrix4.checkMatrix(matrix2);
        if (this.rows !== matrix2.rows || this.columns !== matrix2.columns) {
          throw new RangeError("Matrices dimensions must be equal");
        }
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) * matrix2.get(i, j));
          }
        }
        return this;
      };
      AbstractMatrix3.mul = function mul(matrix2, value) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.mul(value);
      };
      AbstractMatrix3.prototype.multiply = AbstractMatrix3.prototype.mul;
      AbstractMatrix3.prototype.multiplyS = AbstractMatrix3.prototype.mulS;
      AbstractMatrix3.prototype.multiplyM = AbstractMatrix3.prototype.mulM;
      AbstractMatrix3.multiply = AbstractMatrix3.mul;
      AbstractMatrix3.prototype.div = function div(value) {
        if (typeof value === "number") return this.divS(value);
        return this.divM(value);
      };
      AbstractMatrix3.prototype.divS = function divS(value) {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) / value);
          }
        }
        return this;
      };
      AbstractMatrix3.prototype.divM = function divM(matrix2) {
        matrix2 = Matrix4.checkMatrix(matrix2);
        if (this.rows !== matrix2.rows || this.columns !== matrix2.columns) {
          throw new RangeError("Matrices dimensions must be equal");
        }
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) / matrix2.get(i, j));
          }
        }
        return this;
      };
      AbstractMatrix3.div = function div(matrix2, value) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.div(value);
      };
      AbstractMatrix3.prototype.divide = AbstractMatrix3.prototype.div;
      AbstractMatrix3.prototype.divideS = AbstractMatrix3.prototype.divS;
      AbstractMatrix3.prototype.divideM = AbstractMatrix3.prototype.divM;
      AbstractMatrix3.divide = AbstractMatrix3.div;
      AbstractMatrix3.prototype.mod = function mod(value) {
        if (typeof value === "number") return this.modS(value);
        return this.modM(value);
      };
      AbstractMatrix3.prototype.modS = function modS(value) {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) % value);
          }
        }
        return this;
      };
      AbstractMatrix3.prototype.modM = function modM(matrix2) {
        matrix2 = Matrix4.checkMatrix(matrix2);
        if (this.rows !== matrix2.rows || this.columns !== matrix2.columns) {
          throw new RangeError("Matrices dimensions must be equal");
        }
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) % matrix2.get(i, j));
          }
        }
        return this;
      };
      AbstractMatrix3.mod = function mod(matrix2, value) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.mod(value);
      };
      AbstractMatrix3.prototype.modulus = AbstractMatrix3.prototype.mod;
      AbstractMatrix3.prototype.modulusS = AbstractMatrix3.prototype.modS;
      AbstractMatrix3.prototype.modulusM = AbstractMatrix3.prototype.modM;
      AbstractMatrix3.modulus = AbstractMatrix3.mod;
      AbstractMatrix3.prototype.and = function and(value) {
        if (typeof value === "number") return this.andS(value);
        return this.andM(value);
      };
      AbstractMatrix3.prototype.andS = function andS(value) {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) & value);
          }
        }
        return this;
      };
      AbstractMatrix3.prototype.andM = function andM(matrix2) {
        matrix2 = Matrix4.checkMatrix(matrix2);
        if (this.rows !== matrix2.rows || this.columns !== matrix2.columns) {
          throw new RangeError("Matrices dimensions must be equal");
        }
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) & matrix2.get(i, j));
          }
        }
        return this;
      };
      AbstractMatrix3.and = function and(matrix2, value) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.and(value);
      };
      AbstractMatrix3.prototype.or = function or(value) {
        if (typeof value === "number") return this.orS(value);
        return this.orM(value);
      };
      AbstractMatrix3.prototype.orS = function orS(value) {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) | value);
          }
        }
        return this;
      };
      AbstractMatrix3.prototype.orM = function orM(matrix2) {
        matrix2 = Matrix4.checkMatrix(matrix2);
        if (this.rows !== matrix2.rows || this.columns !== matrix2.columns) {
          throw new RangeError("Matrices dimensions must be equal");
        }
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) | matrix2.get(i, j));
          }
        }
        return this;
      };
      AbstractMatrix3.or = function or(matrix2, value) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.or(value);
      };
      AbstractMatrix3.prototype.xor = function xor(value) {
        if (typeof value === "number") return this.xorS(value);
        return this.xorM(value);
      };
      AbstractMatrix3.prototype.xorS = function xorS(value) {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) ^ value);
          }
        }
        return this;
      };
      AbstractMatrix3.prototype.xorM = function xorM(matrix2) {
        matrix2 = Matrix4.checkMatrix(matrix2);
        if (this.rows !== matrix2.rows || this.columns !== matrix2.columns) {
          throw new RangeError("Matrices dimensions must be equal");
        }
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) ^ matrix2.get(i, j));
          }
        }
        return this;
      };
      AbstractMatrix3.xor = function xor(matrix2, value) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.xor(value);
      };
      AbstractMatrix3.prototype.leftShift = function leftShift(value) {
        if (typeof value === "number") return this.leftShiftS(value);
        return this.leftShiftM(value);
      };
      AbstractMatrix3.prototype.leftShiftS = function leftShiftS(value) {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) << value);
          }
        }
        return this;
      };
      AbstractMatrix3.prototype.leftShiftM = function leftShiftM(matrix2) {
        matrix2 = Matrix4.checkMatrix(matrix2);
        if (this.rows !== matrix2.rows || this.columns !== matrix2.columns) {
          throw new RangeError("Matrices dimensions must be equal");
        }
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) << matrix2.get(i, j));
          }
        }
        return this;
      };
      AbstractMatrix3.leftShift = function leftShift(matrix2, value) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.leftShift(value);
      };
      AbstractMatrix3.prototype.signPropagatingRightShift = function signPropagatingRightShift(value) {
        if (typeof value === "number") return this.signPropagatingRightShiftS(value);
        return this.signPropagatingRightShiftM(value);
      };
      AbstractMatrix3.prototype.signPropagatingRightShiftS = function signPropagatingRightShiftS(value) {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) >> value);
          }
        }
        return this;
      };
      AbstractMatrix3.prototype.signPropagatingRightShiftM = function signPropagatingRightShiftM(matrix2) {
        matrix2 = Matrix4.checkMatrix(matrix2);
        if (this.rows !== matrix2.rows || this.columns !== matrix2.columns) {
          throw new RangeError("Matrices dimensions must be equal");
        }
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) >> matrix2.get(i, j));
          }
        }
        return this;
      };
      AbstractMatrix3.signPropagatingRightShift = function signPropagatingRightShift(matrix2, value) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.signPropagatingRightShift(value);
      };
      AbstractMatrix3.prototype.rightShift = function rightShift(value) {
        if (typeof value === "number") return this.rightShiftS(value);
        return this.rightShiftM(value);
      };
      AbstractMatrix3.prototype.rightShiftS = function rightShiftS(value) {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) >>> value);
          }
        }
        return this;
      };
      AbstractMatrix3.prototype.rightShiftM = function rightShiftM(matrix2) {
        matrix2 = Matrix4.checkMatrix(matrix2);
        if (this.rows !== matrix2.rows || this.columns !== matrix2.columns) {
          throw new RangeError("Matrices dimensions must be equal");
        }
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) >>> matrix2.get(i, j));
          }
        }
        return this;
      };
      AbstractMatrix3.rightShift = function rightShift(matrix2, value) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.rightShift(value);
      };
      AbstractMatrix3.prototype.zeroFillRightShift = AbstractMatrix3.prototype.rightShift;
      AbstractMatrix3.prototype.zeroFillRightShiftS = AbstractMatrix3.prototype.rightShiftS;
      AbstractMatrix3.prototype.zeroFillRightShiftM = AbstractMatrix3.prototype.rightShiftM;
      AbstractMatrix3.zeroFillRightShift = AbstractMatrix3.rightShift;
      AbstractMatrix3.prototype.not = function not() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, ~this.get(i, j));
          }
        }
        return this;
      };
      AbstractMatrix3.not = function not(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.not();
      };
      AbstractMatrix3.prototype.abs = function abs() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.abs(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.abs = function abs(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.abs();
      };
      AbstractMatrix3.prototype.acos = function acos() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.acos(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.acos = function acos(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.acos();
      };
      AbstractMatrix3.prototype.acosh = function acosh() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.acosh(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.acosh = function acosh(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.acosh();
      };
      AbstractMatrix3.prototype.asin = function asin() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.asin(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.asin = function asin(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.asin();
      };
      AbstractMatrix3.prototype.asinh = function asinh() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.asinh(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.asinh = function asinh(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.asinh();
      };
      AbstractMatrix3.prototype.atan = function atan() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.atan(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.atan = function atan(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.atan();
      };
      AbstractMatrix3.prototype.atanh = function atanh() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.atanh(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.atanh = function atanh(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.atanh();
      };
      AbstractMatrix3.prototype.cbrt = function cbrt() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.cbrt(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.cbrt = function cbrt(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.cbrt();
      };
      AbstractMatrix3.prototype.ceil = function ceil() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.ceil(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.ceil = function ceil(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.ceil();
      };
      AbstractMatrix3.prototype.clz32 = function clz32() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.clz32(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.clz32 = function clz32(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.clz32();
      };
      AbstractMatrix3.prototype.cos = function cos() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.cos(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.cos = function cos(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.cos();
      };
      AbstractMatrix3.prototype.cosh = function cosh() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.cosh(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.cosh = function cosh(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.cosh();
      };
      AbstractMatrix3.prototype.exp = function exp() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.exp(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.exp = function exp(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.exp();
      };
      AbstractMatrix3.prototype.expm1 = function expm1() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.expm1(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.expm1 = function expm1(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.expm1();
      };
      AbstractMatrix3.prototype.floor = function floor() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.floor(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.floor = function floor(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.floor();
      };
      AbstractMatrix3.prototype.fround = function fround() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.fround(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.fround = function fround(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.fround();
      };
      AbstractMatrix3.prototype.log = function log() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.log(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.log = function log(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.log();
      };
      AbstractMatrix3.prototype.log1p = function log1p() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.log1p(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.log1p = function log1p(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.log1p();
      };
      AbstractMatrix3.prototype.log10 = function log10() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.log10(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.log10 = function log10(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.log10();
      };
      AbstractMatrix3.prototype.log2 = function log2() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.log2(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.log2 = function log2(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.log2();
      };
      AbstractMatrix3.prototype.round = function round() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.round(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.round = function round(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.round();
      };
      AbstractMatrix3.prototype.sign = function sign() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.sign(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.sign = function sign(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.sign();
      };
      AbstractMatrix3.prototype.sin = function sin() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.sin(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.sin = function sin(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.sin();
      };
      AbstractMatrix3.prototype.sinh = function sinh() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.sinh(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.sinh = function sinh(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.sinh();
      };
      AbstractMatrix3.prototype.sqrt = function sqrt() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.sqrt(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.sqrt = function sqrt(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.sqrt();
      };
      AbstractMatrix3.prototype.tan = function tan() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.tan(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.tan = function tan(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.tan();
      };
      AbstractMatrix3.prototype.tanh = function tanh() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.tanh(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.tanh = function tanh(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.tanh();
      };
      AbstractMatrix3.prototype.trunc = function trunc() {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, Math.trunc(this.get(i, j)));
          }
        }
        return this;
      };
      AbstractMatrix3.trunc = function trunc(matrix2) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.trunc();
      };
      AbstractMatrix3.pow = function pow(matrix2, arg0) {
        const newMatrix = new Matrix4(matrix2);
        return newMatrix.pow(arg0);
      };
      AbstractMatrix3.prototype.pow = function pow(value) {
        if (typeof value === "number") return this.powS(value);
        return this.powM(value);
      };
      AbstractMatrix3.prototype.powS = function powS(value) {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) ** value);
          }
        }
        return this;
      };
      AbstractMatrix3.prototype.powM = function powM(matrix2) {
        matrix2 = Matrix4.checkMatrix(matrix2);
        if (this.rows !== matrix2.rows || this.columns !== matrix2.columns) {
          throw new RangeError("Matrices dimensions must be equal");
        }
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) ** matrix2.get(i, j));
          }
        }
        return this;
      };
    }
    function checkRowIndex(matrix2, index, outer) {
      let max2 = outer ? matrix2.rows : matrix2.rows - 1;
      if (index < 0 || index > max2) {
        throw new RangeError("Row index out of range");
      }
    }
    function checkColumnIndex(matrix2, index, outer) {
      let max2 = outer ? matrix2.columns : matrix2.columns - 1;
      if (index < 0 || index > max2) {
        throw new RangeError("Column index out of range");
      }
    }
    function checkRowVector(matrix2, vector) {
      if (vector.to1DArray) {
        vector = vector.to1DArray();
      }
      if (vector.length !== matrix2.columns) {
        throw new RangeError(
          "vector size must be the same as the number of columns"
        );
      }
      return vector;
    }
    function checkColumnVector(matrix2, vector) {
      if (vector.to1DArray) {
        vector = vector.to1DArray();
      }
      if (vector.length !== matrix2.rows) {
        throw new RangeError("vector size must be the same as the number of rows");
      }
      return vector;
    }
    function checkRowIndices(matrix2, rowIndices) {
      if (!isAnyArray(rowIndices)) {
        throw new TypeError("row indices must be an array");
      }
      for (let i = 0; i < rowIndices.length; i++) {
        if (rowIndices[i] < 0 || rowIndices[i] >= matrix2.rows) {
          throw new RangeError("row indices are out of range");
        }
      }
    }
    function checkColumnIndices(matrix2, columnIndices) {
      if (!isAnyArray(columnIndices)) {
        throw new TypeError("column indices must be an array");
      }
      for (let i = 0; i < columnIndices.length; i++) {
        if (columnIndices[i] < 0 || columnIndices[i] >= matrix2.columns) {
          throw new RangeError("column indices are out of range");
        }
      }
    }
    function checkRange(matrix2, startRow, endRow, startColumn, endColumn) {
      if (arguments.length !== 5) {
        throw new RangeError("expected 4 arguments");
      }
      checkNumber("startRow", startRow);
      checkNumber("endRow", endRow);
      checkNumber("startColumn", startColumn);
      checkNumber("endColumn", endColumn);
      if (startRow > endRow || startColumn > endColumn || startRow < 0 || startRow >= matrix2.rows || endRow < 0 || endRow >= matrix2.rows || startColumn < 0 || startColumn >= matrix2.columns || endColumn < 0 || endColumn >= matrix2.columns) {
        throw new RangeError("Submatrix indices are out of range");
      }
    }
    function newArray(length, value = 0) {
      let array = [];
      for (let i = 0; i < length; i++) {
        array.push(value);
      }
      return array;
    }
    function checkNumber(name2, value) {
      if (typeof value !== "number") {
        throw new TypeError(`${name2} must be a number`);
      }
    }
    function checkNonEmpty(matrix2) {
      if (matrix2.isEmpty()) {
        throw new Error("Empty matrix has no elements to index");
      }
    }
    function sumByRow(matrix2) {
      let sum2 = newArray(matrix2.rows);
      for (let i = 0; i < matrix2.rows; ++i) {
        for (let j = 0; j < matrix2.columns; ++j) {
          sum2[i] += matrix2.get(i, j);
        }
      }
      return sum2;
    }
    function sumByColumn(matrix2) {
      let sum2 = newArray(matrix2.columns);
      for (let i = 0; i < matrix2.rows; ++i) {
        for (let j = 0; j < matrix2.columns; ++j) {
          sum2[j] += matrix2.get(i, j);
        }
      }
      return sum2;
    }
    function sumAll(matrix2) {
      let v = 0;
      for (let i = 0; i < matrix2.rows; i++) {
        for (let j = 0; j < matrix2.columns; j++) {
          v += matrix2.get(i, j);
        }
      }
      return v;
    }
    function productByRow(matrix2) {
      let sum2 = newArray(matrix2.rows, 1);
      for (let i = 0; i < matrix2.rows; ++i) {
        for (let j = 0; j < matrix2.columns; ++j) {
          sum2[i] *= matrix2.get(i, j);
        }
      }
      return sum2;
    }
    function productByColumn(matrix2) {
      let sum2 = newArray(matrix2.columns, 1);
      for (let i = 0; i < matrix2.rows; ++i) {
        for (let j = 0; j < matrix2.columns; ++j) {
          sum2[j] *= matrix2.get(i, j);
        }
      }
      return sum2;
    }
    function productAll(matrix2) {
      let v = 1;
      for (let i = 0; i < matrix2.rows; i++) {
        for (let j = 0; j < matrix2.columns; j++) {
          v *= matrix2.get(i, j);
        }
      }
      return v;
    }
    function varianceByRow(matrix2, unbiased, mean) {
      const rows2 = matrix2.rows;
      const cols = matrix2.columns;
      const variance = [];
      for (let i = 0; i < rows2; i++) {
        let sum1 = 0;
        let sum2 = 0;
        let x = 0;
        for (let j = 0; j < cols; j++) {
          x = matrix2.get(i, j) - mean[i];
          sum1 += x;
          sum2 += x * x;
        }
        if (unbiased) {
          variance.push((sum2 - sum1 * sum1 / cols) / (cols - 1));
        } else {
          variance.push((sum2 - sum1 * sum1 / cols) / cols);
        }
      }
      return variance;
    }
    function varianceByColumn(matrix2, unbiased, mean) {
      const rows2 = matrix2.rows;
      const cols = matrix2.columns;
      const variance = [];
      for (let j = 0; j < cols; j++) {
        let sum1 = 0;
        let sum2 = 0;
        let x = 0;
        for (let i = 0; i < rows2; i++) {
          x = matrix2.get(i, j) - mean[j];
          sum1 += x;
          sum2 += x * x;
        }
        if (unbiased) {
          variance.push((sum2 - sum1 * sum1 / rows2) / (rows2 - 1));
        } else {
          variance.push((sum2 - sum1 * sum1 / rows2) / rows2);
        }
      }
      return variance;
    }
    function varianceAll(matrix2, unbiased, mean) {
      const rows2 = matrix2.rows;
      const cols = matrix2.columns;
      const size = rows2 * cols;
      let sum1 = 0;
      let sum2 = 0;
      let x = 0;
      for (let i = 0; i < rows2; i++) {
        for (let j = 0; j < cols; j++) {
          x = matrix2.get(i, j) - mean;
          sum1 += x;
          sum2 += x * x;
        }
      }
      if (unbiased) {
        return (sum2 - sum1 * sum1 / size) / (size - 1);
      } else {
        return (sum2 - sum1 * sum1 / size) / size;
      }
    }
    function centerByRow(matrix2, mean) {
      for (let i = 0; i < matrix2.rows; i++) {
        for (let j = 0; j < matrix2.columns; j++) {
          matrix2.set(i, j, matrix2.get(i, j) - mean[i]);
        }
      }
    }
    function centerByColumn(matrix2, mean) {
      for (let i = 0; i < matrix2.rows; i++) {
        for (let j = 0; j < matrix2.columns; j++) {
          matrix2.set(i, j, matrix2.get(i, j) - mean[j]);
        }
      }
    }
    function centerAll(matrix2, mean) {
      for (let i = 0; i < matrix2.rows; i++) {
        for (let j = 0; j < matrix2.columns; j++) {
          matrix2.set(i, j, matrix2.get(i, j) - mean);
        }
      }
    }
    function getScaleByRow(matrix2) {
      const scale = [];
      for (let i = 0; i < matrix2.rows; i++) {
        let sum2 = 0;
        for (let j = 0; j < matrix2.columns; j++) {
          sum2 += matrix2.get(i, j) ** 2 / (matrix2.columns - 1);
        }
        scale.push(Math.sqrt(sum2));
      }
      return scale;
    }
    function scaleByRow(matrix2, scale) {
      for (let i = 0; i < matrix2.rows; i++) {
        for (let j = 0; j < matrix2.columns; j++) {
          matrix2.set(i, j, matrix2.get(i, j) / scale[i]);
        }
      }
    }
    function getScaleByColumn(matrix2) {
      const scale = [];
      for (let j = 0; j < matrix2.columns; j++) {
        let sum2 = 0;
        for (let i = 0; i < matrix2.rows; i++) {
          sum2 += matrix2.get(i, j) ** 2 / (matrix2.rows - 1);
        }
        scale.push(Math.sqrt(sum2));
      }
      return scale;
    }
    function scaleByColumn(matrix2, scale) {
      for (let i = 0; i < matrix2.rows; i++) {
        for (let j = 0; j < matrix2.columns; j++) {
          matrix2.set(i, j, matrix2.get(i, j) / scale[j]);
        }
      }
    }
    function getScaleAll(matrix2) {
      const divider = matrix2.size - 1;
      let sum2 = 0;
      for (let j = 0; j < matrix2.columns; j++) {
        for (let i = 0; i < matrix2.rows; i++) {
          sum2 += matrix2.get(i, j) ** 2 / divider;
        }
      }
      return Math.sqrt(sum2);
    }
    function scaleAll(matrix2, scale) {
      for (let i = 0; i < matrix2.rows; i++) {
        for (let j = 0; j < matrix2.columns; j++) {
          matrix2.set(i, j, matrix2.get(i, j) / scale);
        }
      }
    }
    var AbstractMatrix2 = class _AbstractMatrix {
      static from1DArray(newRows, newColumns, newData) {
        let length = newRows * newColumns;
        if (length !== newData.length) {
          throw new RangeError("data length does not match given dimensions");
        }
        let newMatrix = new Matrix3(newRows, newColumns);
        for (let row = 0; row < newRows; row++) {
          for (let column = 0; column < newColumns; column++) {
            newMatrix.set(row, column, newData[row * newColumns + column]);
          }
        }
        return newMatrix;
      }
      static rowVector(newData) {
        let vector = new Matrix3(1, newData.length);
        for (let i = 0; i < newData.length; i++) {
          vector.set(0, i, newData[i]);
        }
        return vector;
      }
      static columnVector(newData) {
        let vector = new Matrix3(newData.length, 1);
        for (let i = 0; i < newData.length; i++) {
          vector.set(i, 0, newData[i]);
        }
        return vector;
      }
      static zeros(rows2, columns) {
        return new Matrix3(rows2, columns);
      }
      static ones(rows2, columns) {
        return new Matrix3(rows2, columns).fill(1);
      }
      static rand(rows2, columns, options = {}) {
        if (typeof options !== "object") {
          throw new TypeError("options must be an object");
        }
        const { random = Math.random } = options;
        let matrix2 = new Matrix3(rows2, columns);
        for (let i = 0; i < rows2; i++) {
          for (let j = 0; j < columns; j++) {
            matrix2.set(i, j, random());
          }
        }
        return matrix2;
      }
      static randInt(rows2, columns, options = {}) {
        if (typeof options !== "object") {
          throw new TypeError("options must be an object");
        }
        const { min: min2 = 0, max: max2 = 1e3, random = Math.random } = options;
        if (!Number.isInteger(min2)) throw new TypeError("min must be an integer");
        if (!Number.isInteger(max2)) throw new TypeError("max must be an integer");
        if (min2 >= max2) throw new RangeError("min must be smaller than max");
        let interval = max2 - min2;
        let matrix2 = new Matrix3(rows2, columns);
        for (let i = 0; i < rows2; i++) {
          for (let j = 0; j < columns; j++) {
            let value = min2 + Math.round(random() * interval);
            matrix2.set(i, j, value);
          }
        }
        return matrix2;
      }
      static eye(rows2, columns, value) {
        if (columns === void 0) columns = rows2;
        if (value === void 0) value = 1;
        let min2 = Math.min(rows2, columns);
        let matrix2 = this.zeros(rows2, columns);
        for (let i = 0; i < min2; i++) {
          matrix2.set(i, i, value);
        }
        return matrix2;
      }
      static diag(data, rows2, columns) {
        let l = data.length;
        if (rows2 === void 0) rows2 = l;
        if (columns === void 0) columns = rows2;
        let min2 = Math.min(l, rows2, columns);
        let matrix2 = this.zeros(rows2, columns);
        for (let i = 0; i < min2; i++) {
          matrix2.set(i, i, data[i]);
        }
        return matrix2;
      }
      static min(matrix1, matrix2) {
        matrix1 = this.checkMatrix(matrix1);
        matrix2 = this.checkMatrix(matrix2);
        let rows2 = matrix1.rows;
        let columns = matrix1.columns;
        let result = new Matrix3(rows2, columns);
        for (let i = 0; i < rows2; i++) {
          for (let j = 0; j < columns; j++) {
            result.set(i, j, Math.min(matrix1.get(i, j), matrix2.get(i, j)));
          }
        }
        return result;
      }
      static max(matrix1, matrix2) {
        matrix1 = this.checkMatrix(matrix1);
        matrix2 = this.checkMatrix(matrix2);
        let rows2 = matrix1.rows;
        let columns = matrix1.columns;
        let result = new this(rows2, columns);
        for (let i = 0; i < rows2; i++) {
          for (let j = 0; j < columns; j++) {
            result.set(i, j, Math.max(matrix1.get(i, j), matrix2.get(i, j)));
          }
        }
        return result;
      }
      static checkMatrix(value) {
        return _AbstractMatrix.isMatrix(value) ? value : new Matrix3(value);
      }
      static isMatrix(value) {
        return value != null && value.klass === "Matrix";
      }
      get size() {
        return this.rows * this.columns;
      }
      apply(callback) {
        if (typeof callback !== "function") {
          throw new TypeError("callback must be a function");
        }
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            callback.call(this, i, j);
          }
        }
        return this;
      }
      applyAlongAxis(callback, by) {
        if (typeof callback !== "function") {
          throw new TypeError("callback must be a function");
        }
        const result = [];
        switch (by) {
          case "row": {
            for (let i = 0; i < this.rows; i++) {
              result.push(callback.call(this, this.getRow(i), i));
            }
            break;
          }
          case "column": {
            for (let i = 0; i < this.columns; i++) {
              result.push(callback.call(this, this.getColumn(i), i));
            }
            break;
          }
          default:
            throw new Error(`invalid option: ${by}`);
        }
        return result;
      }
      to1DArray() {
        let array = [];
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            array.push(this.get(i, j));
          }
        }
        return array;
      }
      to2DArray() {
        let copy = [];
        for (let i = 0; i < this.rows; i++) {
          copy.push([]);
          for (let j = 0; j < this.columns; j++) {
            copy[i].push(this.get(i, j));
          }
        }
        return copy;
      }
      toJSON() {
        return this.to2DArray();
      }
      isRowVector() {
        return this.rows === 1;
      }
      isColumnVector() {
        return this.columns === 1;
      }
      isVector() {
        return this.rows === 1 || this.columns === 1;
      }
      isSquare() {
        return this.rows === this.columns;
      }
      isEmpty() {
        return this.rows === 0 || this.columns === 0;
      }
      isSymmetric() {
        if (this.isSquare()) {
          for (let i = 0; i < this.rows; i++) {
            for (let j = 0; j <= i; j++) {
              if (this.get(i, j) !== this.get(j, i)) {
                return false;
              }
            }
          }
          return true;
        }
        return false;
      }
      isDistance() {
        if (!this.isSymmetric()) return false;
        for (let i = 0; i < this.rows; i++) {
          if (this.get(i, i) !== 0) return false;
        }
        return true;
      }
      isEchelonForm() {
        let i = 0;
        let j = 0;
        let previousColumn = -1;
        let isEchelonForm = true;
        let checked = false;
        while (i < this.rows && isEchelonForm) {
          j = 0;
          checked = false;
          while (j < this.columns && checked === false) {
            if (this.get(i, j) === 0) {
              j++;
            } else if (this.get(i, j) === 1 && j > previousColumn) {
              checked = true;
              previousColumn = j;
            } else {
              isEchelonForm = false;
              checked = true;
            }
          }
          i++;
        }
        return isEchelonForm;
      }
      isReducedEchelonForm() {
        let i = 0;
        let j = 0;
        let previousColumn = -1;
        let isReducedEchelonForm = true;
        let checked = false;
        while (i < this.rows && isReducedEchelonForm) {
          j = 0;
          checked = false;
          while (j < this.columns && checked === false) {
            if (this.get(i, j) === 0) {
              j++;
            } else if (this.get(i, j) === 1 && j > previousColumn) {
              checked = true;
              previousColumn = j;
            } else {
              isReducedEchelonForm = false;
              checked = true;
            }
          }
          for (let k = j + 1; k < this.rows; k++) {
            if (this.get(i, k) !== 0) {
              isReducedEchelonForm = false;
            }
          }
          i++;
        }
        return isReducedEchelonForm;
      }
      echelonForm() {
        let result = this.clone();
        let h = 0;
        let k = 0;
        while (h < result.rows && k < result.columns) {
          let iMax = h;
          for (let i = h; i < result.rows; i++) {
            if (result.get(i, k) > result.get(iMax, k)) {
              iMax = i;
            }
          }
          if (result.get(iMax, k) === 0) {
            k++;
          } else {
            result.swapRows(h, iMax);
            let tmp = result.get(h, k);
            for (let j = k; j < result.columns; j++) {
              result.set(h, j, result.get(h, j) / tmp);
            }
            for (let i = h + 1; i < result.rows; i++) {
              let factor = result.get(i, k) / result.get(h, k);
              result.set(i, k, 0);
              for (let j = k + 1; j < result.columns; j++) {
                result.set(i, j, result.get(i, j) - result.get(h, j) * factor);
              }
            }
            h++;
            k++;
          }
        }
        return result;
      }
      reducedEchelonForm() {
        let result = this.echelonForm();
        let m = result.columns;
        let n = result.rows;
        let h = n - 1;
        while (h >= 0) {
          if (result.maxRow(h) === 0) {
            h--;
          } else {
            let p = 0;
            let pivot = false;
            while (p < n && pivot === false) {
              if (result.get(h, p) === 1) {
                pivot = true;
              } else {
                p++;
              }
            }
            for (let i = 0; i < h; i++) {
              let factor = result.get(i, p);
              for (let j = p; j < m; j++) {
                let tmp = result.get(i, j) - factor * result.get(h, j);
                result.set(i, j, tmp);
              }
            }
            h--;
          }
        }
        return result;
      }
      set() {
        throw new Error("set method is unimplemented");
      }
      get() {
        throw new Error("get method is unimplemented");
      }
      repeat(options = {}) {
        if (typeof options !== "object") {
          throw new TypeError("options must be an object");
        }
        const { rows: rows2 = 1, columns = 1 } = options;
        if (!Number.isInteger(rows2) || rows2 <= 0) {
          throw new TypeError("rows must be a positive integer");
        }
        if (!Number.isInteger(columns) || columns <= 0) {
          throw new TypeError("columns must be a positive integer");
        }
        let matrix2 = new Matrix3(this.rows * rows2, this.columns * columns);
        for (let i = 0; i < rows2; i++) {
          for (let j = 0; j < columns; j++) {
            matrix2.setSubMatrix(this, this.rows * i, this.columns * j);
          }
        }
        return matrix2;
      }
      fill(value) {
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, value);
          }
        }
        return this;
      }
      neg() {
        return this.mulS(-1);
      }
      getRow(index) {
        checkRowIndex(this, index);
        let row = [];
        for (let i = 0; i < this.columns; i++) {
          row.push(this.get(index, i));
        }
        return row;
      }
      getRowVector(index) {
        return Matrix3.rowVector(this.getRow(index));
      }
      setRow(index, array) {
        checkRowIndex(this, index);
        array = checkRowVector(this, array);
        for (let i = 0; i < this.columns; i++) {
          this.set(index, i, array[i]);
        }
        return this;
      }
      swapRows(row1, row2) {
        checkRowIndex(this, row1);
        checkRowIndex(this, row2);
        for (let i = 0; i < this.columns; i++) {
          let temp = this.get(row1, i);
          this.set(row1, i, this.get(row2, i));
          this.set(row2, i, temp);
        }
        return this;
      }
      getColumn(index) {
        checkColumnIndex(this, index);
        let column = [];
        for (let i = 0; i < this.rows; i++) {
          column.push(this.get(i, index));
        }
        return column;
      }
      getColumnVector(index) {
        return Matrix3.columnVector(this.getColumn(index));
      }
      setColumn(index, array) {
        checkColumnIndex(this, index);
        array = checkColumnVector(this, array);
        for (let i = 0; i < this.rows; i++) {
          this.set(i, index, array[i]);
        }
        return this;
      }
      swapColumns(column1, column2) {
        checkColumnIndex(this, column1);
        checkColumnIndex(this, column2);
        for (let i = 0; i < this.rows; i++) {
          let temp = this.get(i, column1);
          this.set(i, column1, this.get(i, column2));
          this.set(i, column2, temp);
        }
        return this;
      }
      addRowVector(vector) {
        vector = checkRowVector(this, vector);
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) + vector[j]);
          }
        }
        return this;
      }
      subRowVector(vector) {
        vector = checkRowVector(this, vector);
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) - vector[j]);
          }
        }
        return this;
      }
      mulRowVector(vector) {
        vector = checkRowVector(this, vector);
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) * vector[j]);
          }
        }
        return this;
      }
      divRowVector(vector) {
        vector = checkRowVector(this, vector);
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) / vector[j]);
          }
        }
        return this;
      }
      addColumnVector(vector) {
        vector = checkColumnVector(this, vector);
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) + vector[i]);
          }
        }
        return this;
      }
      subColumnVector(vector) {
        vector = checkColumnVector(this, vector);
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) - vector[i]);
          }
        }
        return this;
      }
      mulColumnVector(vector) {
        vector = checkColumnVector(this, vector);
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) * vector[i]);
          }
        }
        return this;
      }
      divColumnVector(vector) {
        vector = checkColumnVector(this, vector);
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            this.set(i, j, this.get(i, j) / vector[i]);
          }
        }
        return this;
      }
      mulRow(index, value) {
        checkRowIndex(this, index);
        for (let i = 0; i < this.columns; i++) {
          this.set(index, i, this.get(index, i) * value);
        }
        return this;
      }
      mulColumn(index, value) {
        checkColumnIndex(this, index);
        for (let i = 0; i < this.rows; i++) {
          this.set(i, index, this.get(i, index) * value);
        }
        return this;
      }
      max(by) {
        if (this.isEmpty()) {
          return NaN;
        }
        switch (by) {
          case "row": {
            const max2 = new Array(this.rows).fill(Number.NEGATIVE_INFINITY);
            for (let row = 0; row < this.rows; row++) {
              for (let column = 0; column < this.columns; column++) {
                if (this.get(row, column) > max2[row]) {
                  max2[row] = this.get(row, column);
                }
              }
            }
            return max2;
          }
          case "column": {
            const max2 = new Array(this.columns).fill(Number.NEGATIVE_INFINITY);
            for (let row = 0; row < this.rows; row++) {
              for (let column = 0; column < this.columns; column++) {
                if (this.get(row, column) > max2[column]) {
                  max2[column] = this.get(row, column);
                }
              }
            }
            return max2;
          }
          case void 0: {
            let max2 = this.get(0, 0);
            for (let row = 0; row < this.rows; row++) {
              for (let column = 0; column < this.columns; column++) {
                if (this.get(row, column) > max2) {
                  max2 = this.get(row, column);
                }
              }
            }
            return max2;
          }
          default:
            throw new Error(`invalid option: ${by}`);
        }
      }
      maxIndex() {
        checkNonEmpty(this);
        let v = this.get(0, 0);
        let idx = [0, 0];
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            if (this.get(i, j) > v) {
              v = this.get(i, j);
              idx[0] = i;
              idx[1] = j;
            }
          }
        }
        return idx;
      }
      min(by) {
        if (this.isEmpty()) {
          return NaN;
        }
        switch (by) {
          case "row": {
            const min2 = new Array(this.rows).fill(Number.POSITIVE_INFINITY);
            for (let row = 0; row < this.rows; row++) {
              for (let column = 0; column < this.columns; column++) {
                if (this.get(row, column) < min2[row]) {
                  min2[row] = this.get(row, column);
                }
              }
            }
            return min2;
          }
          case "column": {
            const min2 = new Array(this.columns).fill(Number.POSITIVE_INFINITY);
            for (let row = 0; row < this.rows; row++) {
              for (let column = 0; column < this.columns; column++) {
                if (this.get(row, column) < min2[column]) {
                  min2[column] = this.get(row, column);
                }
              }
            }
            return min2;
          }
          case void 0: {
            let min2 = this.get(0, 0);
            for (let row = 0; row < this.rows; row++) {
              for (let column = 0; column < this.columns; column++) {
                if (this.get(row, column) < min2) {
                  min2 = this.get(row, column);
                }
              }
            }
            return min2;
          }
          default:
            throw new Error(`invalid option: ${by}`);
        }
      }
      minIndex() {
        checkNonEmpty(this);
        let v = this.get(0, 0);
        let idx = [0, 0];
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            if (this.get(i, j) < v) {
              v = this.get(i, j);
              idx[0] = i;
              idx[1] = j;
            }
          }
        }
        return idx;
      }
      maxRow(row) {
        checkRowIndex(this, row);
        if (this.isEmpty()) {
          return NaN;
        }
        let v = this.get(row, 0);
        for (let i = 1; i < this.columns; i++) {
          if (this.get(row, i) > v) {
            v = this.get(row, i);
          }
        }
        return v;
      }
      maxRowIndex(row) {
        checkRowIndex(this, row);
        checkNonEmpty(this);
        let v = this.get(row, 0);
        let idx = [row, 0];
        for (let i = 1; i < this.columns; i++) {
          if (this.get(row, i) > v) {
            v = this.get(row, i);
            idx[1] = i;
          }
        }
        return idx;
      }
      minRow(row) {
        checkRowIndex(this, row);
        if (this.isEmpty()) {
          return NaN;
        }
        let v = this.get(row, 0);
        for (let i = 1; i < this.columns; i++) {
          if (this.get(row, i) < v) {
            v = this.get(row, i);
          }
        }
        return v;
      }
      minRowIndex(row) {
        checkRowIndex(this, row);
        checkNonEmpty(this);
        let v = this.get(row, 0);
        let idx = [row, 0];
        for (let i = 1; i < this.columns; i++) {
          if (this.get(row, i) < v) {
            v = this.get(row, i);
            idx[1] = i;
          }
        }
        return idx;
      }
      maxColumn(column) {
        checkColumnIndex(this, column);
        if (this.isEmpty()) {
          return NaN;
        }
        let v = this.get(0, column);
        for (let i = 1; i < this.rows; i++) {
          if (this.get(i, column) > v) {
            v = this.get(i, column);
          }
        }
        return v;
      }
      maxColumnIndex(column) {
        checkColumnIndex(this, column);
        checkNonEmpty(this);
        let v = this.get(0, column);
        let idx = [0, column];
        for (let i = 1; i < this.rows; i++) {
          if (this.get(i, column) > v) {
            v = this.get(i, column);
            idx[0] = i;
          }
        }
        return idx;
      }
      minColumn(column) {
        checkColumnIndex(this, column);
        if (this.isEmpty()) {
          return NaN;
        }
        let v = this.get(0, column);
        for (let i = 1; i < this.rows; i++) {
          if (this.get(i, column) < v) {
            v = this.get(i, column);
          }
        }
        return v;
      }
      minColumnIndex(column) {
        checkColumnIndex(this, column);
        checkNonEmpty(this);
        let v = this.get(0, column);
        let idx = [0, column];
        for (let i = 1; i < this.rows; i++) {
          if (this.get(i, column) < v) {
            v = this.get(i, column);
            idx[0] = i;
          }
        }
        return idx;
      }
      diag() {
        let min2 = Math.min(this.rows, this.columns);
        let diag = [];
        for (let i = 0; i < min2; i++) {
          diag.push(this.get(i, i));
        }
        return diag;
      }
      norm(type = "frobenius") {
        switch (type) {
          case "max":
            return Matrix3.abs(this).max();
          case "frobenius":
            return Math.sqrt(this.dot(this));
          default:
            throw new RangeError(`unknown norm type: ${type}`);
        }
      }
      cumulativeSum() {
        let sum2 = 0;
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            sum2 += this.get(i, j);
            this.set(i, j, sum2);
          }
        }
        return this;
      }
      dot(vector2) {
        if (_AbstractMatrix.isMatrix(vector2)) vector2 = vector2.to1DArray();
        let vector1 = this.to1DArray();
        if (vector1.length !== vector2.length) {
          throw new RangeError("vectors do not have the same size");
        }
        let dot = 0;
        for (let i = 0; i < vector1.length; i++) {
          dot += vector1[i] * vector2[i];
        }
        return dot;
      }
      mmul(other) {
        other = Matrix3.checkMatrix(other);
        let m = this.rows;
        let n = this.columns;
        let p = other.columns;
        let result = new Matrix3(m, p);
        let Bcolj = new Float64Array(n);
        for (let j = 0; j < p; j++) {
          for (let k = 0; k < n; k++) {
            Bcolj[k] = other.get(k, j);
          }
          for (let i = 0; i < m; i++) {
            let s = 0;
            for (let k = 0; k < n; k++) {
              s += this.get(i, k) * Bcolj[k];
            }
            result.set(i, j, s);
          }
        }
        return result;
      }
      gram() {
        const rows2 = this.rows;
        const n = this.columns;
        const gramData = new Float64Array(n * n);
        for (let r = 0; r < rows2; r++) {
          for (let i = 0; i < n; i++) {
            const value = this.get(r, i);
            if (value === 0) continue;
            const offset = i * n;
            for (let j = i; j < n; j++) {
              gramData[offset + j] += value * this.get(r, j);
            }
          }
        }
        const result = new Matrix3(n, n);
        for (let i = 0; i < n; i++) {
          const offset = i * n;
          for (let j = i; j < n; j++) {
            const value = gramData[offset + j];
            result.set(i, j, value);
            result.set(j, i, value);
          }
        }
        return result;
      }
      transposeMultiply(other) {
        other = Matrix3.checkMatrix(other);
        if (this.rows !== other.rows) {
          throw new RangeError(
            "the number of rows of the two matrices must be equal"
          );
        }
        const n = this.columns;
        const p = other.columns;
        const result = new Matrix3(n, p);
        const otherRow = new Float64Array(p);
        for (let r = 0; r < this.rows; r++) {
          for (let j = 0; j < p; j++) {
            otherRow[j] = other.get(r, j);
          }
          for (let i = 0; i < n; i++) {
            const value = this.get(r, i);
            if (value === 0) continue;
            const resultRow = result.data[i];
            for (let j = 0; j < p; j++) {
              resultRow[j] += value * otherRow[j];
            }
          }
        }
        return result;
      }
      mmulByTranspose(scale) {
        let m = this.rows;
        let n = this.columns;
        if (scale !== void 0 && scale.length !== n) {
          throw new RangeError("scale must have one value per column");
        }
        let result = new Matrix3(m, m);
        let rowj = new Float64Array(n);
        for (let j = 0; j < m; j++) {
          if (scale === void 0) {
            for (let k = 0; k < n; k++) {
              rowj[k] = this.get(j, k);
            }
          } else {
            for (let k = 0; k < n; k++) {
              rowj[k] = scale[k] * this.get(j, k);
            }
          }
          for (let i = j; i < m; i++) {
            let s = 0;
            for (let k = 0; k < n; k++) {
              s += this.get(i, k) * rowj[k];
            }
            result.set(i, j, s);
            result.set(j, i, s);
          }
        }
        return result;
      }
      mpow(scalar) {
        if (!this.isSquare()) {
          throw new RangeError("Matrix must be square");
        }
        if (!Number.isInteger(scalar) || scalar < 0) {
          throw new RangeError("Exponent must be a non-negative integer");
        }
        let result = Matrix3.eye(this.rows);
        let bb = this;
        for (let e = scalar; e >= 1; e /= 2) {
          if ((e & 1) !== 0) {
            result = result.mmul(bb);
          }
          bb = bb.mmul(bb);
        }
        return result;
      }
      strassen2x2(other) {
        other = Matrix3.checkMatrix(other);
        let result = new Matrix3(2, 2);
        const a11 = this.get(0, 0);
        const b11 = other.get(0, 0);
        const a12 = this.get(0, 1);
        const b12 = other.get(0, 1);
        const a21 = this.get(1, 0);
        const b21 = other.get(1, 0);
        const a22 = this.get(1, 1);
        const b22 = other.get(1, 1);
        const m1 = (a11 + a22) * (b11 + b22);
        const m2 = (a21 + a22) * b11;
        const m3 = a11 * (b12 - b22);
        const m4 = a22 * (b21 - b11);
        const m5 = (a11 + a12) * b22;
        const m6 = (a21 - a11) * (b11 + b12);
        const m7 = (a12 - a22) * (b21 + b22);
        const c00 = m1 + m4 - m5 + m7;
        const c01 = m3 + m5;
        const c10 = m2 + m4;
        const c11 = m1 - m2 + m3 + m6;
        result.set(0, 0, c00);
        result.set(0, 1, c01);
        result.set(1, 0, c10);
        result.set(1, 1, c11);
        return result;
      }
      strassen3x3(other) {
        other = Matrix3.checkMatrix(other);
        let result = new Matrix3(3, 3);
        const a00 = this.get(0, 0);
        const a01 = this.get(0, 1);
        const a02 = this.get(0, 2);
        const a10 = this.get(1, 0);
        const a11 = this.get(1, 1);
        const a12 = this.get(1, 2);
        const a20 = this.get(2, 0);
        const a21 = this.get(2, 1);
        const a22 = this.get(2, 2);
        const b00 = other.get(0, 0);
        const b01 = other.get(0, 1);
        const b02 = other.get(0, 2);
        const b10 = other.get(1, 0);
        const b11 = other.get(1, 1);
        const b12 = other.get(1, 2);
        const b20 = other.get(2, 0);
        const b21 = other.get(2, 1);
        const b22 = other.get(2, 2);
        const m1 = (a00 + a01 + a02 - a10 - a11 - a21 - a22) * b11;
        const m2 = (a00 - a10) * (-b01 + b11);
        const m3 = a11 * (-b00 + b01 + b10 - b11 - b12 - b20 + b22);
        const m4 = (-a00 + a10 + a11) * (b00 - b01 + b11);
        const m5 = (a10 + a11) * (-b00 + b01);
        const m6 = a00 * b00;
        const m7 = (-a00 + a20 + a21) * (b00 - b02 + b12);
        const m8 = (-a00 + a20) * (b02 - b12);
        const m9 = (a20 + a21) * (-b00 + b02);
        const m10 = (a00 + a01 + a02 - a11 - a12 - a20 - a21) * b12;
        const m11 = a21 * (-b00 + b02 + b10 - b11 - b12 - b20 + b21);
        const m12 = (-a02 + a21 + a22) * (b11 + b20 - b21);
        const m13 = (a02 - a22) * (b11 - b21);
        const m14 = a02 * b20;
        const m15 = (a21 + a22) * (-b20 + b21);
        const m16 = (-a02 + a11 + a12) * (b12 + b20 - b22);
        const m17 = (a02 - a12) * (b12 - b22);
        const m18 = (a11 + a12) * (-b20 + b22);
        const m19 = a01 * b10;
        const m20 = a12 * b21;
        const m21 = a10 * b02;
        const m22 = a20 * b01;
        const m23 = a22 * b22;
        const c00 = m6 + m14 + m19;
        const c01 = m1 + m4 + m5 + m6 + m12 + m14 + m15;
        const c02 = m6 + m7 + m9 + m10 + m14 + m16 + m18;
        const c10 = m2 + m3 + m4 + m6 + m14 + m16 + m17;
        const c11 = m2 + m4 + m5 + m6 + m20;
        const c12 = m14 + m16 + m17 + m18 + m21;
        const c20 = m6 + m7 + m8 + m11 + m12 + m13 + m14;
        const c21 = m12 + m13 + m14 + m15 + m22;
        const c22 = m6 + m7 + m8 + m9 + m23;
        result.set(0, 0, c00);
        result.set(0, 1, c01);
        result.set(0, 2, c02);
        result.set(1, 0, c10);
        result.set(1, 1, c11);
        result.set(1, 2, c12);
        result.set(2, 0, c20);
        result.set(2, 1, c21);
        result.set(2, 2, c22);
        return result;
      }
      mmulStrassen(y) {
        y = Matrix3.checkMatrix(y);
        let x = this.clone();
        let r1 = x.rows;
        let c1 = x.columns;
        let r2 = y.rows;
        let c2 = y.columns;
        if (c1 !== r2) {
          console.warn(
            `Multiplying ${r1} x ${c1} and ${r2} x ${c2} matrix: dimensions do not match.`
          );
        }
        function embed(mat, rows2, cols) {
          let r3 = mat.rows;
          let c3 = mat.columns;
          if (r3 === rows2 && c3 === cols) {
            return mat;
          } else {
            let resultat = _AbstractMatrix.zeros(rows2, cols);
            resultat = resultat.setSubMatrix(mat, 0, 0);
            return resultat;
          }
        }
        let r = Math.max(r1, r2);
        let c = Math.max(c1, c2);
        x = embed(x, r, c);
        y = embed(y, r, c);
        function blockMult(a, b, rows2, cols) {
          if (rows2 <= 512 || cols <= 512) {
            return a.mmul(b);
          }
          if (rows2 % 2 === 1 && cols % 2 === 1) {
            a = embed(a, rows2 + 1, cols + 1);
            b = embed(b, rows2 + 1, cols + 1);
          } else if (rows2 % 2 === 1) {
            a = embed(a, rows2 + 1, cols);
            b = embed(b, rows2 + 1, cols);
          } else if (cols % 2 === 1) {
            a = embed(a, rows2, cols + 1);
            b = embed(b, rows2, cols + 1);
          }
          let halfRows = parseInt(a.rows / 2, 10);
          let halfCols = parseInt(a.columns / 2, 10);
          let a11 = a.subMatrix(0, halfRows - 1, 0, halfCols - 1);
          let b11 = b.subMatrix(0, halfRows - 1, 0, halfCols - 1);
          let a12 = a.subMatrix(0, halfRows - 1, halfCols, a.columns - 1);
          let b12 = b.subMatrix(0, halfRows - 1, halfCols, b.columns - 1);
          let a21 = a.subMatrix(halfRows, a.rows - 1, 0, halfCols - 1);
          let b21 = b.subMatrix(halfRows, b.rows - 1, 0, halfCols - 1);
          let a22 = a.subMatrix(halfRows, a.rows - 1, halfCols, a.columns - 1);
          let b22 = b.subMatrix(halfRows, b.rows - 1, halfCols, b.columns - 1);
          let m1 = blockMult(
            _AbstractMatrix.add(a11, a22),
            _AbstractMatrix.add(b11, b22),
            halfRows,
            halfCols
          );
          let m2 = blockMult(_AbstractMatrix.add(a21, a22), b11, halfRows, halfCols);
          let m3 = blockMult(a11, _AbstractMatrix.sub(b12, b22), halfRows, halfCols);
          let m4 = blockMult(a22, _AbstractMatrix.sub(b21, b11), halfRows, halfCols);
          let m5 = blockMult(_AbstractMatrix.add(a11, a12), b22, halfRows, halfCols);
          let m6 = blockMult(
            _AbstractMatrix.sub(a21, a11),
            _AbstractMatrix.add(b11, b12),
            halfRows,
            halfCols
          );
          let m7 = blockMult(
            _AbstractMatrix.sub(a12, a22),
            _AbstractMatrix.add(b21, b22),
            halfRows,
            halfCols
          );
          let c11 = _AbstractMatrix.add(m1, m4);
          c11.sub(m5);
          c11.add(m7);
          let c12 = _AbstractMatrix.add(m3, m5);
          let c21 = _AbstractMatrix.add(m2, m4);
          let c22 = _AbstractMatrix.sub(m1, m2);
          c22.add(m3);
          c22.add(m6);
          let result = _AbstractMatrix.zeros(2 * c11.rows, 2 * c11.columns);
          result = result.setSubMatrix(c11, 0, 0);
          result = result.setSubMatrix(c12, c11.rows, 0);
          result = result.setSubMatrix(c21, 0, c11.columns);
          result = result.setSubMatrix(c22, c11.rows, c11.columns);
          return result.subMatrix(0, rows2 - 1, 0, cols - 1);
        }
        return blockMult(x, y, r, c);
      }
      scaleRows(options = {}) {
        if (typeof options !== "object") {
          throw new TypeError("options must be an object");
        }
        const { min: min2 = 0, max: max2 = 1 } = options;
        if (!Number.isFinite(min2)) throw new TypeError("min must be a number");
        if (!Number.isFinite(max2)) throw new TypeError("max must be a number");
        if (min2 >= max2) throw new RangeError("min must be smaller than max");
        let newMatrix = new Matrix3(this.rows, this.columns);
        for (let i = 0; i < this.rows; i++) {
          const row = this.getRow(i);
          if (row.length > 0) {
            rescale(row, { min: min2, max: max2, output: row });
          }
          newMatrix.setRow(i, row);
        }
        return newMatrix;
      }
      scaleColumns(options = {}) {
        if (typeof options !== "object") {
          throw new TypeError("options must be an object");
        }
        const { min: min2 = 0, max: max2 = 1 } = options;
        if (!Number.isFinite(min2)) throw new TypeError("min must be a number");
        if (!Number.isFinite(max2)) throw new TypeError("max must be a number");
        if (min2 >= max2) throw new RangeError("min must be smaller than max");
        let newMatrix = new Matrix3(this.rows, this.columns);
        for (let i = 0; i < this.columns; i++) {
          const column = this.getColumn(i);
          if (column.length) {
            rescale(column, {
              min: min2,
              max: max2,
              output: column
            });
          }
          newMatrix.setColumn(i, column);
        }
        return newMatrix;
      }
      flipRows() {
        const middle = Math.ceil(this.columns / 2);
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < middle; j++) {
            let first = this.get(i, j);
            let last = this.get(i, this.columns - 1 - j);
            this.set(i, j, last);
            this.set(i, this.columns - 1 - j, first);
          }
        }
        return this;
      }
      flipColumns() {
        const middle = Math.ceil(this.rows / 2);
        for (let j = 0; j < this.columns; j++) {
          for (let i = 0; i < middle; i++) {
            let first = this.get(i, j);
            let last = this.get(this.rows - 1 - i, j);
            this.set(i, j, last);
            this.set(this.rows - 1 - i, j, first);
          }
        }
        return this;
      }
      kroneckerProduct(other) {
        other = Matrix3.checkMatrix(other);
        let m = this.rows;
        let n = this.columns;
        let p = other.rows;
        let q = other.columns;
        let result = new Matrix3(m * p, n * q);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            for (let k = 0; k < p; k++) {
              for (let l = 0; l < q; l++) {
                result.set(p * i + k, q * j + l, this.get(i, j) * other.get(k, l));
              }
            }
          }
        }
        return result;
      }
      kroneckerSum(other) {
        other = Matrix3.checkMatrix(other);
        if (!this.isSquare() || !other.isSquare()) {
          throw new Error("Kronecker Sum needs two Square Matrices");
        }
        let m = this.rows;
        let n = other.rows;
        let AxI = this.kroneckerProduct(Matrix3.eye(n, n));
        let IxB = Matrix3.eye(m, m).kroneckerProduct(other);
        return AxI.add(IxB);
      }
      transpose() {
        let result = new Matrix3(this.columns, this.rows);
        for (let i = 0; i < this.rows; i++) {
          for (let j = 0; j < this.columns; j++) {
            result.set(j, i, this.get(i, j));
          }
        }
        return result;
      }
      sortRows(compareFunction = compareNumbers) {
        for (let i = 0; i < this.rows; i++) {
          this.setRow(i, this.getRow(i).sort(compareFunction));
        }
        return this;
      }
      sortColumns(compareFunction = compareNumbers) {
        for (let i = 0; i < this.columns; i++) {
          this.setColumn(i, this.getColumn(i).sort(compareFunction));
        }
        return this;
      }
      subMatrix(startRow, endRow, startColumn, endColumn) {
        checkRange(this, startRow, endRow, startColumn, endColumn);
        let newMatrix = new Matrix3(
          endRow - startRow + 1,
          endColumn - startColumn + 1
        );
        for (let i = startRow; i <= endRow; i++) {
          for (let j = startColumn; j <= endColumn; j++) {
            newMatrix.set(i - startRow, j - startColumn, this.get(i, j));
          }
        }
        return newMatrix;
      }
      subMatrixRow(indices, startColumn, endColumn) {
        if (startColumn === void 0) startColumn = 0;
        if (endColumn === void 0) endColumn = this.columns - 1;
        if (startColumn > endColumn || startColumn < 0 || startColumn >= this.columns || endColumn < 0 || endColumn >= this.columns) {
          throw new RangeError("Argument out of range");
        }
        let newMatrix = new Matrix3(indices.length, endColumn - startColumn + 1);
        for (let i = 0; i < indices.length; i++) {
          for (let j = startColumn; j <= endColumn; j++) {
            if (indices[i] < 0 || indices[i] >= this.rows) {
              throw new RangeError(`Row index out of range: ${indices[i]}`);
            }
            newMatrix.set(i, j - startColumn, this.get(indices[i], j));
          }
        }
        return newMatrix;
      }
      subMatrixColumn(indices, startRow, endRow) {
        if (startRow === void 0) startRow = 0;
        if (endRow === void 0) endRow = this.rows - 1;
        if (startRow > endRow || startRow < 0 || startRow >= this.rows || endRow < 0 || endRow >= this.rows) {
          throw new RangeError("Argument out of range");
        }
        let newMatrix = new Matrix3(endRow - startRow + 1, indices.length);
        for (let i = 0; i < indices.length; i++) {
          for (let j = startRow; j <= endRow; j++) {
            if (indices[i] < 0 || indices[i] >= this.columns) {
              throw new RangeError(`Column index out of range: ${indices[i]}`);
            }
            newMatrix.set(j - startRow, i, this.get(j, indices[i]));
          }
        }
        return newMatrix;
      }
      setSubMatrix(matrix2, startRow, startColumn) {
        matrix2 = Matrix3.checkMatrix(matrix2);
        if (matrix2.isEmpty()) {
          return this;
        }
        let endRow = startRow + matrix2.rows - 1;
        let endColumn = startColumn + matrix2.columns - 1;
        checkRange(this, startRow, endRow, startColumn, endColumn);
        for (let i = 0; i < matrix2.rows; i++) {
          for (let j = 0; j < matrix2.columns; j++) {
            this.set(startRow + i, startColumn + j, matrix2.get(i, j));
          }
        }
        return this;
      }
      concat(other, by = "row") {
        other = Matrix3.checkMatrix(other);
        switch (by) {
          case "row": {
            if (this.columns !== other.columns) {
              throw new RangeError(
                "both matrices must have the same number of columns"
              );
            }
            const result = new Matrix3(this.rows + other.rows, this.columns);
            result.setSubMatrix(this, 0, 0);
            result.setSubMatrix(other, this.rows, 0);
            return result;
          }
          case "column": {
            if (this.rows !== other.rows) {
              throw new RangeError(
                "both matrices must have the same number of rows"
              );
            }
            const result = new Matrix3(this.rows, this.columns + other.columns);
            result.setSubMatrix(this, 0, 0);
            result.setSubMatrix(other, 0, this.columns);
            return result;
          }
          default:
            throw new Error(`invalid option: ${by}`);
        }
      }
      selection(rowIndices, columnIndices) {
        checkRowIndices(this, rowIndices);
        checkColumnIndices(this, columnIndices);
        let newMatrix = new Matrix3(rowIndices.length, columnIndices.length);
        for (let i = 0; i < rowIndices.length; i++) {
          let rowIndex = rowIndices[i];
          for (let j = 0; j < columnIndices.length; j++) {
            let columnIndex = columnIndices[j];
            newMatrix.set(i, j, this.get(rowIndex, columnIndex));
          }
        }
        return newMatrix;
      }
      trace() {
        let min2 = Math.min(this.rows, this.columns);
        let trace = 0;
        for (let i = 0; i < min2; i++) {
          trace += this.get(i, i);
        }
        return trace;
      }
      clone() {
        return this.constructor.copy(this, new Matrix3(this.rows, this.columns));
      }
      /**
       * @template {AbstractMatrix} M
       * @param {AbstractMatrix} from
       * @param {M} to
       * @return {M}
       */
      static copy(from2, to) {
        for (const [row, column, value] of from2.entries()) {
          to.set(row, column, value);
        }
        return to;
      }
      sum(by) {
        switch (by) {
          case "row":
            return sumByRow(this);
          case "column":
            return sumByColumn(this);
          case void 0:
            return sumAll(this);
          default:
            throw new Error(`invalid option: ${by}`);
        }
      }
      product(by) {
        switch (by) {
          case "row":
            return productByRow(this);
          case "column":
            return productByColumn(this);
          case void 0:
            return productAll(this);
          default:
            throw new Error(`invalid option: ${by}`);
        }
      }
      mean(by) {
        const sum2 = this.sum(by);
        switch (by) {
          case "row": {
            for (let i = 0; i < this.rows; i++) {
              sum2[i] /= this.columns;
            }
            return sum2;
          }
          case "column": {
            for (let i = 0; i < this.columns; i++) {
              sum2[i] /= this.rows;
            }
            return sum2;
          }
          case void 0:
            return sum2 / this.size;
          default:
            throw new Error(`invalid option: ${by}`);
        }
      }
      variance(by, options = {}) {
        if (typeof by === "object") {
          options = by;
          by = void 0;
        }
        if (typeof options !== "object") {
          throw new TypeError("options must be an object");
        }
        const { unbiased = true, mean = this.mean(by) } = options;
        if (typeof unbiased !== "boolean") {
          throw new TypeError("unbiased must be a boolean");
        }
        switch (by) {
          case "row": {
            if (!isAnyArray(mean)) {
              throw new TypeError("mean must be an array");
            }
            return varianceByRow(this, unbiased, mean);
          }
          case "column": {
            if (!isAnyArray(mean)) {
              throw new TypeError("mean must be an array");
            }
            return varianceByColumn(this, unbiased, mean);
          }
          case void 0: {
            if (typeof mean !== "number") {
              throw new TypeError("mean must be a number");
            }
            return varianceAll(this, unbiased, mean);
          }
          default:
            throw new Error(`invalid option: ${by}`);
        }
      }
      standardDeviation(by, options) {
        if (typeof by === "object") {
          options = by;
          by = void 0;
        }
        const variance = this.variance(by, options);
        if (by === void 0) {
          return Math.sqrt(variance);
        } else {
          for (let i = 0; i < variance.length; i++) {
            variance[i] = Math.sqrt(variance[i]);
          }
          return variance;
        }
      }
      center(by, options = {}) {
        if (typeof by === "object") {
          options = by;
          by = void 0;
        }
        if (typeof options !== "object") {
          throw new TypeError("options must be an object");
        }
        const { center = this.mean(by) } = options;
        switch (by) {
          case "row": {
            if (!isAnyArray(center)) {
              throw new TypeError("center must be an array");
            }
            centerByRow(this, center);
            return this;
          }
          case "column": {
            if (!isAnyArray(center)) {
              throw new TypeError("center must be an array");
            }
            centerByColumn(this, center);
            return this;
          }
          case void 0: {
            if (typeof center !== "number") {
              throw new TypeError("center must be a number");
            }
            centerAll(this, center);
            return this;
          }
          default:
            throw new Error(`invalid option: ${by}`);
        }
      }
      scale(by, options = {}) {
        if (typeof by === "object") {
          options = by;
          by = void 0;
        }
        if (typeof options !== "object") {
          throw new TypeError("options must be an object");
        }
        let scale = options.scale;
        switch (by) {
          case "row": {
            if (scale === void 0) {
              scale = getScaleByRow(this);
            } else if (!isAnyArray(scale)) {
              throw new TypeError("scale must be an array");
            }
            scaleByRow(this, scale);
            return this;
          }
          case "column": {
            if (scale === void 0) {
              scale = getScaleByColumn(this);
            } else if (!isAnyArray(scale)) {
              throw new TypeError("scale must be an array");
            }
            scaleByColumn(this, scale);
            return this;
          }
          case void 0: {
            if (scale === void 0) {
              scale = getScaleAll(this);
            } else if (typeof scale !== "number") {
              throw new TypeError("scale must be a number");
            }
            scaleAll(this, scale);
            return this;
          }
          default:
            throw new Error(`invalid option: ${by}`);
        }
      }
      toString(options) {
        return inspectMatrixWithOptions(this, options);
      }
      [Symbol.iterator]() {
        return this.entries();
      }
      /**
       * iterator from left to right, from top to bottom
       * yield [row, column, value]
       * @returns {Generator<[number, number, number], void, void>}
       */
      *entries() {
        for (let row = 0; row < this.rows; row++) {
          for (let col = 0; col < this.columns; col++) {
            yield [row, col, this.get(row, col)];
          }
        }
      }
      /**
       * iterator from left to right, from top to bottom
       * yield value
       * @returns {Generator<number, void, void>}
       */
      *values() {
        for (let row = 0; row < this.rows; row++) {
          for (let col = 0; col < this.columns; col++) {
            yield this.get(row, col);
          }
        }
      }
    };
    AbstractMatrix2.prototype.klass = "Matrix";
    if (typeof Symbol !== "undefined") {
      AbstractMatrix2.prototype[/* @__PURE__ */ Symbol.for("nodejs.util.inspect.custom")] = inspectMatrix;
    }
    function compareNumbers(a, b) {
      return a - b;
    }
    function isArrayOfNumbers(array) {
      return array.every((element) => {
        return typeof element === "number";
      });
    }
    AbstractMatrix2.random = AbstractMatrix2.rand;
    AbstractMatrix2.randomInt = AbstractMatrix2.randInt;
    AbstractMatrix2.diagonal = AbstractMatrix2.diag;
    AbstractMatrix2.prototype.diagonal = AbstractMatrix2.prototype.diag;
    AbstractMatrix2.identity = AbstractMatrix2.eye;
    AbstractMatrix2.prototype.negate = AbstractMatrix2.prototype.neg;
    AbstractMatrix2.prototype.tensorProduct = AbstractMatrix2.prototype.kroneckerProduct;
    var Matrix3 = class _Matrix extends AbstractMatrix2 {
      /**
       * @type {Float64Array[]}
       */
      data;
      /**
       * Init an empty matrix
       * @param {number} nRows
       * @param {number} nColumns
       */
      #initData(nRows, nColumns) {
        this.data = [];
        if (Number.isInteger(nColumns) && nColumns >= 0) {
          for (let i = 0; i < nRows; i++) {
            this.data.push(new Float64Array(nColumns));
          }
        } else {
          throw new TypeError("nColumns must be a positive integer");
        }
        this.rows = nRows;
        this.columns = nColumns;
      }
      constructor(nRows, nColumns) {
        super();
        if (_Matrix.isMatrix(nRows)) {
          this.#initData(nRows.rows, nRows.columns);
          _Matrix.copy(nRows, this);
        } else if (Number.isInteger(nRows) && nRows >= 0) {
          this.#initData(nRows, nColumns);
        } else if (isAnyArray(nRows)) {
          const arrayData = nRows;
          nRows = arrayData.length;
          nColumns = nRows ? arrayData[0].length : 0;
          if (typeof nColumns !== "number") {
            throw new TypeError(
              "Data must be a 2D array with at least one element"
            );
          }
          this.data = [];
          for (let i = 0; i < nRows; i++) {
            if (arrayData[i].length !== nColumns) {
              throw new RangeError("Inconsistent array dimensions");
            }
            if (!isArrayOfNumbers(arrayData[i])) {
              throw new TypeError("Input data contains non-numeric values");
            }
            this.data.push(Float64Array.from(arrayData[i]));
          }
          this.rows = nRows;
          this.columns = nColumns;
        } else {
          throw new TypeError(
            "First argument must be a positive number or an array"
          );
        }
      }
      set(rowIndex, columnIndex, value) {
        this.data[rowIndex][columnIndex] = value;
        return this;
      }
      get(rowIndex, columnIndex) {
        return this.data[rowIndex][columnIndex];
      }
      removeRow(index) {
        checkRowIndex(this, index);
        this.data.splice(index, 1);
        this.rows -= 1;
        return this;
      }
      addRow(index, array) {
        if (array === void 0) {
          array = index;
          index = this.rows;
        }
        checkRowIndex(this, index, true);
        array = Float64Array.from(checkRowVector(this, array));
        this.data.splice(index, 0, array);
        this.rows += 1;
        return this;
      }
      removeColumn(index) {
        checkColumnIndex(this, index);
        for (let i = 0; i < this.rows; i++) {
          const newRow = new Float64Array(this.columns - 1);
          for (let j = 0; j < index; j++) {
            newRow[j] = this.data[i][j];
          }
          for (let j = index + 1; j < this.columns; j++) {
            newRow[j - 1] = this.data[i][j];
          }
          this.data[i] = newRow;
        }
        this.columns -= 1;
        return this;
      }
      addColumn(index, array) {
        if (typeof array === "undefined") {
          array = index;
          index = this.columns;
        }
        checkColumnIndex(this, index, true);
        array = checkColumnVector(this, array);
        for (let i = 0; i < this.rows; i++) {
          const newRow = new Float64Array(this.columns + 1);
          let j = 0;
          for (; j < index; j++) {
            newRow[j] = this.data[i][j];
          }
          newRow[j++] = array[i];
          for (; j < this.columns + 1; j++) {
            newRow[j] = this.data[i][j - 1];
          }
          this.data[i] = newRow;
        }
        this.columns += 1;
        return this;
      }
    };
    installMathOperations(AbstractMatrix2, Matrix3);
    var SymmetricMatrix2 = class _SymmetricMatrix extends AbstractMatrix2 {
      /** @type {Matrix} */
      #matrix;
      get size() {
        return this.#matrix.size;
      }
      get rows() {
        return this.#matrix.rows;
      }
      get columns() {
        return this.#matrix.columns;
      }
      get diagonalSize() {
        return this.rows;
      }
      /**
       * not the same as matrix.isSymmetric()
       * Here is to check if it's instanceof SymmetricMatrix without bundling issues
       *
       * @param value
       * @returns {boolean}
       */
      static isSymmetricMatrix(value) {
        return Matrix3.isMatrix(value) && value.klassType === "SymmetricMatrix";
      }
      /**
       * @param diagonalSize
       * @return {SymmetricMatrix}
       */
      static zeros(diagonalSize) {
        return new this(diagonalSize);
      }
      /**
       * @param diagonalSize
       * @return {SymmetricMatrix}
       */
      static ones(diagonalSize) {
        return new this(diagonalSize).fill(1);
      }
      /**
       * @param {number | AbstractMatrix | ArrayLike<ArrayLike<number>>} diagonalSize
       * @return {this}
       */
      constructor(diagonalSize) {
        super();
        if (Matrix3.isMatrix(diagonalSize)) {
          if (!diagonalSize.isSymmetric()) {
            throw new TypeError("not symmetric data");
          }
          this.#matrix = Matrix3.copy(
            diagonalSize,
            new Matrix3(diagonalSize.rows, diagonalSize.rows)
          );
        } else if (Number.isInteger(diagonalSize) && diagonalSize >= 0) {
          this.#matrix = new Matrix3(diagonalSize, diagonalSize);
        } else {
          this.#matrix = new Matrix3(diagonalSize);
          if (!this.isSymmetric()) {
            throw new TypeError("not symmetric data");
          }
        }
      }
      clone() {
        const matrix2 = new _SymmetricMatrix(this.diagonalSize);
        for (const [row, col, value] of this.upperRightEntries()) {
          matrix2.set(row, col, value);
        }
        return matrix2;
      }
      toMatrix() {
        return new Matrix3(this);
      }
      get(rowIndex, columnIndex) {
        return this.#matrix.get(rowIndex, columnIndex);
      }
      set(rowIndex, columnIndex, value) {
        this.#matrix.set(rowIndex, columnIndex, value);
        this.#matrix.set(columnIndex, rowIndex, value);
        return this;
      }
      removeCross(index) {
        this.#matrix.removeRow(index);
        this.#matrix.removeColumn(index);
        return this;
      }
      addCross(index, array) {
        if (array === void 0) {
          array = index;
          index = this.diagonalSize;
        }
        const row = array.slice();
        row.splice(index, 1);
        this.#matrix.addRow(index, row);
        this.#matrix.addColumn(index, array);
        return this;
      }
      /**
       * @param {Mask[]} mask
       */
      applyMask(mask) {
        if (mask.length !== this.diagonalSize) {
          throw new RangeError("Mask size do not match with matrix size");
        }
        const sidesToRemove = [];
        for (const [index, passthroughs] of mask.entries()) {
          if (passthroughs) continue;
          sidesToRemove.push(index);
        }
        sidesToRemove.reverse();
        for (const sideIndex of sidesToRemove) {
          this.removeCross(sideIndex);
        }
        return this;
      }
      /**
       * Compact format upper-right corner of matrix
       * iterate from left to right, from top to bottom.
       *
       * ```
       *   A B C D
       * A 1 2 3 4
       * B 2 5 6 7
       * C 3 6 8 9
       * D 4 7 9 10
       * ```
       *
       * will return compact 1D array `[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]`
       *
       * length is S(i=0, n=sideSize) => 10 for a 4 sideSized matrix
       *
       * @returns {number[]}
       */
      toCompact() {
        const { diagonalSize } = this;
        const compact = new Array(diagonalSize * (diagonalSize + 1) / 2);
        for (let col = 0, row = 0, index = 0; index < compact.length; index++) {
          compact[index] = this.get(row, col);
          if (++col >= diagonalSize) col = ++row;
        }
        return compact;
      }
      /**
       * @param {number[]} compact
       * @return {SymmetricMatrix}
       */
      static fromCompact(compact) {
        const compactSize = compact.length;
        const diagonalSize = (Math.sqrt(8 * compactSize + 1) - 1) / 2;
        if (!Number.isInteger(diagonalSize)) {
          throw new TypeError(
            `This array is not a compact representation of a Symmetric Matrix, ${JSON.stringify(
              compact
            )}`
          );
        }
        const matrix2 = new _SymmetricMatrix(diagonalSize);
        for (let col = 0, row = 0, index = 0; index < compactSize; index++) {
          matrix2.set(col, row, compact[index]);
          if (++col >= diagonalSize) col = ++row;
        }
        return matrix2;
      }
      /**
       * half iterator upper-right-corner from left to right, from top to bottom
       * yield [row, column, value]
       *
       * @returns {Generator<[number, number, number], void, void>}
       */
      *upperRightEntries() {
        for (let row = 0, col = 0; row < this.diagonalSize; void 0) {
          const value = this.get(row, col);
          yield [row, col, value];
          if (++col >= this.diagonalSize) col = ++row;
        }
      }
      /**
       * half iterator upper-right-corner from left to right, from top to bottom
       * yield value
       *
       * @returns {Generator<[number, number, number], void, void>}
       */
      *upperRightValues() {
        for (let row = 0, col = 0; row < this.diagonalSize; void 0) {
          const value = this.get(row, col);
          yield value;
          if (++col >= this.diagonalSize) col = ++row;
        }
      }
    };
    SymmetricMatrix2.prototype.klassType = "SymmetricMatrix";
    var DistanceMatrix2 = class _DistanceMatrix extends SymmetricMatrix2 {
      /**
       * not the same as matrix.isSymmetric()
       * Here is to check if it's instanceof SymmetricMatrix without bundling issues
       *
       * @param value
       * @returns {boolean}
       */
      static isDistanceMatrix(value) {
        return SymmetricMatrix2.isSymmetricMatrix(value) && value.klassSubType === "DistanceMatrix";
      }
      constructor(sideSize) {
        super(sideSize);
        if (!this.isDistance()) {
          throw new TypeError("Provided arguments do no produce a distance matrix");
        }
      }
      set(rowIndex, columnIndex, value) {
        if (rowIndex === columnIndex) value = 0;
        return super.set(rowIndex, columnIndex, value);
      }
      addCross(index, array) {
        if (array === void 0) {
          array = index;
          index = this.diagonalSize;
        }
        array = array.slice();
        array[index] = 0;
        return super.addCross(index, array);
      }
      toSymmetricMatrix() {
        return new SymmetricMatrix2(this);
      }
      clone() {
        const matrix2 = new _DistanceMatrix(this.diagonalSize);
        for (const [row, col, value] of this.upperRightEntries()) {
          if (row === col) continue;
          matrix2.set(row, col, value);
        }
        return matrix2;
      }
      /**
       * Compact format upper-right corner of matrix
       * no diagonal (only zeros)
       * iterable from left to right, from top to bottom.
       *
       * ```
       *   A B C D
       * A 0 1 2 3
       * B 1 0 4 5
       * C 2 4 0 6
       * D 3 5 6 0
       * ```
       *
       * will return compact 1D array `[1, 2, 3, 4, 5, 6]`
       *
       * length is S(i=0, n=sideSize-1) => 6 for a 4 side sized matrix
       *
       * @returns {number[]}
       */
      toCompact() {
        const { diagonalSize } = this;
        const compactLength = (diagonalSize - 1) * diagonalSize / 2;
        const compact = new Array(compactLength);
        for (let col = 1, row = 0, index = 0; index < compact.length; index++) {
          compact[index] = this.get(row, col);
          if (++col >= diagonalSize) col = ++row + 1;
        }
        return compact;
      }
      /**
       * @param {number[]} compact
       */
      static fromCompact(compact) {
        const compactSize = compact.length;
        if (compactSize === 0) {
          return new this(0);
        }
        const diagonalSize = (Math.sqrt(8 * compactSize + 1) + 1) / 2;
        if (!Number.isInteger(diagonalSize)) {
          throw new TypeError(
            `This array is not a compact representation of a DistanceMatrix, ${JSON.stringify(
              compact
            )}`
          );
        }
        const matrix2 = new this(diagonalSize);
        for (let col = 1, row = 0, index = 0; index < compactSize; index++) {
          matrix2.set(col, row, compact[index]);
          if (++col >= diagonalSize) col = ++row + 1;
        }
        return matrix2;
      }
    };
    DistanceMatrix2.prototype.klassSubType = "DistanceMatrix";
    var BaseView = class extends AbstractMatrix2 {
      constructor(matrix2, rows2, columns) {
        super();
        this.matrix = matrix2;
        this.rows = rows2;
        this.columns = columns;
      }
    };
    var MatrixColumnView2 = class extends BaseView {
      constructor(matrix2, column) {
        checkColumnIndex(matrix2, column);
        super(matrix2, matrix2.rows, 1);
        this.column = column;
      }
      set(rowIndex, columnIndex, value) {
        this.matrix.set(rowIndex, this.column, value);
        return this;
      }
      get(rowIndex) {
        return this.matrix.get(rowIndex, this.column);
      }
    };
    var MatrixColumnSelectionView2 = class extends BaseView {
      constructor(matrix2, columnIndices) {
        checkColumnIndices(matrix2, columnIndices);
        super(matrix2, matrix2.rows, columnIndices.length);
        this.columnIndices = columnIndices;
      }
      set(rowIndex, columnIndex, value) {
        this.matrix.set(rowIndex, this.columnIndices[columnIndex], value);
        return this;
      }
      get(rowIndex, columnIndex) {
        return this.matrix.get(rowIndex, this.columnIndices[columnIndex]);
      }
    };
    var MatrixFlipColumnView2 = class extends BaseView {
      constructor(matrix2) {
        super(matrix2, matrix2.rows, matrix2.columns);
      }
      set(rowIndex, columnIndex, value) {
        this.matrix.set(rowIndex, this.columns - columnIndex - 1, value);
        return this;
      }
      get(rowIndex, columnIndex) {
        return this.matrix.get(rowIndex, this.columns - columnIndex - 1);
      }
    };
    var MatrixFlipRowView2 = class extends BaseView {
      constructor(matrix2) {
        super(matrix2, matrix2.rows, matrix2.columns);
      }
      set(rowIndex, columnIndex, value) {
        this.matrix.set(this.rows - rowIndex - 1, columnIndex, value);
        return this;
      }
      get(rowIndex, columnIndex) {
        return this.matrix.get(this.rows - rowIndex - 1, columnIndex);
      }
    };
    var MatrixRowView2 = class extends BaseView {
      constructor(matrix2, row) {
        checkRowIndex(matrix2, row);
        super(matrix2, 1, matrix2.columns);
        this.row = row;
      }
      set(rowIndex, columnIndex, value) {
        this.matrix.set(this.row, columnIndex, value);
        return this;
      }
      get(rowIndex, columnIndex) {
        return this.matrix.get(this.row, columnIndex);
      }
    };
    var MatrixRowSelectionView2 = class extends BaseView {
      constructor(matrix2, rowIndices) {
        checkRowIndices(matrix2, rowIndices);
        super(matrix2, rowIndices.length, matrix2.columns);
        this.rowIndices = rowIndices;
      }
      set(rowIndex, columnIndex, value) {
        this.matrix.set(this.rowIndices[rowIndex], columnIndex, value);
        return this;
      }
      get(rowIndex, columnIndex) {
        return this.matrix.get(this.rowIndices[rowIndex], columnIndex);
      }
    };
    var MatrixSelectionView2 = class extends BaseView {
      constructor(matrix2, rowIndices, columnIndices) {
        checkRowIndices(matrix2, rowIndices);
        checkColumnIndices(matrix2, columnIndices);
        super(matrix2, rowIndices.length, columnIndices.length);
        this.rowIndices = rowIndices;
        this.columnIndices = columnIndices;
      }
      set(rowIndex, columnIndex, value) {
        this.matrix.set(
          this.rowIndices[rowIndex],
          this.columnIndices[columnIndex],
          value
        );
        return this;
      }
      get(rowIndex, columnIndex) {
        return this.matrix.get(
          this.rowIndices[rowIndex],
          this.columnIndices[columnIndex]
        );
      }
    };
    var MatrixSubView2 = class extends BaseView {
      constructor(matrix2, startRow, endRow, startColumn, endColumn) {
        checkRange(matrix2, startRow, endRow, startColumn, endColumn);
        super(matrix2, endRow - startRow + 1, endColumn - startColumn + 1);
        this.startRow = startRow;
        this.startColumn = startColumn;
      }
      set(rowIndex, columnIndex, value) {
        this.matrix.set(
          this.startRow + rowIndex,
          this.startColumn + columnIndex,
          value
        );
        return this;
      }
      get(rowIndex, columnIndex) {
        return this.matrix.get(
          this.startRow + rowIndex,
          this.startColumn + columnIndex
        );
      }
    };
    var MatrixTransposeView2 = class extends BaseView {
      constructor(matrix2) {
        super(matrix2, matrix2.columns, matrix2.rows);
      }
      set(rowIndex, columnIndex, value) {
        this.matrix.set(columnIndex, rowIndex, value);
        return this;
      }
      get(rowIndex, columnIndex) {
        return this.matrix.get(columnIndex, rowIndex);
      }
    };
    var WrapperMatrix1D2 = class extends AbstractMatrix2 {
      constructor(data, options = {}) {
        const { rows: rows2 = 1 } = options;
        if (data.length % rows2 !== 0) {
          throw new Error("the data length is not divisible by the number of rows");
        }
        super();
        this.rows = rows2;
        this.columns = data.length / rows2;
        this.data = data;
      }
      set(rowIndex, columnIndex, value) {
        let index = this._calculateIndex(rowIndex, columnIndex);
        this.data[index] = value;
        return this;
      }
      get(rowIndex, columnIndex) {
        let index = this._calculateIndex(rowIndex, columnIndex);
        return this.data[index];
      }
      _calculateIndex(row, column) {
        return row * this.columns + column;
      }
    };
    var WrapperMatrix2D2 = class extends AbstractMatrix2 {
      constructor(data) {
        super();
        this.data = data;
        this.rows = data.length;
        this.columns = data[0].length;
      }
      set(rowIndex, columnIndex, value) {
        this.data[rowIndex][columnIndex] = value;
        return this;
      }
      get(rowIndex, columnIndex) {
        return this.data[rowIndex][columnIndex];
      }
    };
    function wrap2(array, options) {
      if (isAnyArray(array)) {
        if (array[0] && isAnyArray(array[0])) {
          return new WrapperMatrix2D2(array);
        } else {
          return new WrapperMatrix1D2(array, options);
        }
      } else {
        throw new Error("the argument is not an array");
      }
    }
    var LuDecomposition2 = class {
      constructor(matrix2) {
        matrix2 = WrapperMatrix2D2.checkMatrix(matrix2);
        let lu = matrix2.clone();
        let rows2 = lu.rows;
        let columns = lu.columns;
        let pivotVector = new Float64Array(rows2);
        let pivotSign = 1;
        let i, j, k, p, s, t, v;
        let LUcolj, kmax;
        for (i = 0; i < rows2; i++) {
          pivotVector[i] = i;
        }
        LUcolj = new Float64Array(rows2);
        for (j = 0; j < columns; j++) {
          for (i = 0; i < rows2; i++) {
            LUcolj[i] = lu.get(i, j);
          }
          for (i = 0; i < rows2; i++) {
            kmax = Math.min(i, j);
            s = 0;
            for (k = 0; k < kmax; k++) {
              s += lu.get(i, k) * LUcolj[k];
            }
            LUcolj[i] -= s;
            lu.set(i, j, LUcolj[i]);
          }
          p = j;
          for (i = j + 1; i < rows2; i++) {
            if (Math.abs(LUcolj[i]) > Math.abs(LUcolj[p])) {
              p = i;
            }
          }
          if (p !== j) {
            for (k = 0; k < columns; k++) {
              t = lu.get(p, k);
              lu.set(p, k, lu.get(j, k));
              lu.set(j, k, t);
            }
            v = pivotVector[p];
            pivotVector[p] = pivotVector[j];
            pivotVector[j] = v;
            pivotSign = -pivotSign;
          }
          if (j < rows2 && lu.get(j, j) !== 0) {
            for (i = j + 1; i < rows2; i++) {
              lu.set(i, j, lu.get(i, j) / lu.get(j, j));
            }
          }
        }
        this.LU = lu;
        this.pivotVector = pivotVector;
        this.pivotSign = pivotSign;
      }
      isSingular() {
        let data = this.LU;
        let col = data.columns;
        for (let j = 0; j < col; j++) {
          if (data.get(j, j) === 0) {
            return true;
          }
        }
        return false;
      }
      solve(value) {
        value = Matrix3.checkMatrix(value);
        let lu = this.LU;
        let rows2 = lu.rows;
        if (rows2 !== value.rows) {
          throw new Error("Invalid matrix dimensions");
        }
        if (this.isSingular()) {
          throw new Error("LU matrix is singular");
        }
        let count = value.columns;
        let X = value.subMatrixRow(this.pivotVector, 0, count - 1);
        let columns = lu.columns;
        let i, j, k;
        for (k = 0; k < columns; k++) {
          for (i = k + 1; i < columns; i++) {
            for (j = 0; j < count; j++) {
              X.set(i, j, X.get(i, j) - X.get(k, j) * lu.get(i, k));
            }
          }
        }
        for (k = columns - 1; k >= 0; k--) {
          for (j = 0; j < count; j++) {
            X.set(k, j, X.get(k, j) / lu.get(k, k));
          }
          for (i = 0; i < k; i++) {
            for (j = 0; j < count; j++) {
              X.set(i, j, X.get(i, j) - X.get(k, j) * lu.get(i, k));
            }
          }
        }
        return X;
      }
      get determinant() {
        let data = this.LU;
        if (!data.isSquare()) {
          throw new Error("Matrix must be square");
        }
        let determinant3 = this.pivotSign;
        let col = data.columns;
        for (let j = 0; j < col; j++) {
          determinant3 *= data.get(j, j);
        }
        return determinant3;
      }
      get lowerTriangularMatrix() {
        let data = this.LU;
        let rows2 = data.rows;
        let columns = data.columns;
        let X = new Matrix3(rows2, columns);
        for (let i = 0; i < rows2; i++) {
          for (let j = 0; j < columns; j++) {
            if (i > j) {
              X.set(i, j, data.get(i, j));
            } else if (i === j) {
              X.set(i, j, 1);
            } else {
              X.set(i, j, 0);
            }
          }
        }
        return X;
      }
      get upperTriangularMatrix() {
        let data = this.LU;
        let rows2 = data.rows;
        let columns = data.columns;
        let X = new Matrix3(rows2, columns);
        for (let i = 0; i < rows2; i++) {
          for (let j = 0; j < columns; j++) {
            if (i <= j) {
              X.set(i, j, data.get(i, j));
            } else {
              X.set(i, j, 0);
            }
          }
        }
        return X;
      }
      get pivotPermutationVector() {
        return Array.from(this.pivotVector);
      }
    };
    function transposeSquareInPlace(matrix2) {
      const data = matrix2.data;
      const n = matrix2.rows;
      for (let i = 0; i < n; i++) {
        const rowI = data[i];
        for (let j = i + 1; j < n; j++) {
          const tmp = rowI[j];
          rowI[j] = data[j][i];
          data[j][i] = tmp;
        }
      }
      return matrix2;
    }
    function hypotenuse(a, b) {
      let r = 0;
      if (Math.abs(a) > Math.abs(b)) {
        r = b / a;
        return Math.abs(a) * Math.sqrt(1 + r * r);
      }
      if (b !== 0) {
        r = a / b;
        return Math.abs(b) * Math.sqrt(1 + r * r);
      }
      return 0;
    }
    var QrDecomposition2 = class {
      constructor(value) {
        value = WrapperMatrix2D2.checkMatrix(value);
        let qr = value.clone();
        let m = value.rows;
        let n = value.columns;
        let rdiag = new Float64Array(n);
        let i, j, k, s;
        for (k = 0; k < n; k++) {
          let nrm = 0;
          for (i = k; i < m; i++) {
            nrm = hypotenuse(nrm, qr.get(i, k));
          }
          if (nrm !== 0) {
            if (qr.get(k, k) < 0) {
              nrm = -nrm;
            }
            for (i = k; i < m; i++) {
              qr.set(i, k, qr.get(i, k) / nrm);
            }
            qr.set(k, k, qr.get(k, k) + 1);
            for (j = k + 1; j < n; j++) {
              s = 0;
              for (i = k; i < m; i++) {
                s += qr.get(i, k) * qr.get(i, j);
              }
              s = -s / qr.get(k, k);
              for (i = k; i < m; i++) {
                qr.set(i, j, qr.get(i, j) + s * qr.get(i, k));
              }
            }
          }
          rdiag[k] = -nrm;
        }
        this.QR = qr;
        this.Rdiag = rdiag;
      }
      solve(value) {
        value = Matrix3.checkMatrix(value);
        let qr = this.QR;
        let m = qr.rows;
        if (value.rows !== m) {
          throw new Error("Matrix row dimensions must agree");
        }
        if (!this.isFullRank()) {
          throw new Error("Matrix is rank deficient");
        }
        let count = value.columns;
        let X = value.clone();
        let n = qr.columns;
        let i, j, k, s;
        for (k = 0; k < n; k++) {
          for (j = 0; j < count; j++) {
            s = 0;
            for (i = k; i < m; i++) {
              s += qr.get(i, k) * X.get(i, j);
            }
            s = -s / qr.get(k, k);
            for (i = k; i < m; i++) {
              X.set(i, j, X.get(i, j) + s * qr.get(i, k));
            }
          }
        }
        for (k = n - 1; k >= 0; k--) {
          for (j = 0; j < count; j++) {
            X.set(k, j, X.get(k, j) / this.Rdiag[k]);
          }
          for (i = 0; i < k; i++) {
            for (j = 0; j < count; j++) {
              X.set(i, j, X.get(i, j) - X.get(k, j) * qr.get(i, k));
            }
          }
        }
        return X.subMatrix(0, n - 1, 0, count - 1);
      }
      isFullRank() {
        let columns = this.QR.columns;
        for (let i = 0; i < columns; i++) {
          if (this.Rdiag[i] === 0) {
            return false;
          }
        }
        return true;
      }
      get upperTriangularMatrix() {
        let qr = this.QR;
        let n = qr.columns;
        let X = new Matrix3(n, n);
        let i, j;
        for (i = 0; i < n; i++) {
          for (j = 0; j < n; j++) {
            if (i < j) {
              X.set(i, j, qr.get(i, j));
            } else if (i === j) {
              X.set(i, j, this.Rdiag[i]);
            } else {
              X.set(i, j, 0);
            }
          }
        }
        return X;
      }
      get orthogonalMatrix() {
        let qr = this.QR;
        let rows2 = qr.rows;
        let columns = qr.columns;
        let X = new Matrix3(rows2, columns);
        let i, j, k, s;
        for (k = columns - 1; k >= 0; k--) {
          for (i = 0; i < rows2; i++) {
            X.set(i, k, 0);
          }
          X.set(k, k, 1);
          for (j = k; j < columns; j++) {
            if (qr.get(k, k) !== 0) {
              s = 0;
              for (i = k; i < rows2; i++) {
                s += qr.get(i, k) * X.get(i, j);
              }
              s = -s / qr.get(k, k);
              for (i = k; i < rows2; i++) {
                X.set(i, j, X.get(i, j) + s * qr.get(i, k));
              }
            }
          }
        }
        return X;
      }
    };
    var SingularValueDecomposition2 = class {
      constructor(value, options = {}) {
        value = WrapperMatrix2D2.checkMatrix(value);
        if (value.isEmpty()) {
          throw new Error("Matrix must be non-empty");
        }
        let m = value.rows;
        let n = value.columns;
        const {
          computeLeftSingularVectors = true,
          computeRightSingularVectors = true,
          autoTranspose = false
        } = options;
        let wantu = Boolean(computeLeftSingularVectors);
        let wantv = Boolean(computeRightSingularVectors);
        let swapped = false;
        let at;
        if (m < n) {
          if (!autoTranspose) {
            console.warn(
              "Computing SVD on a matrix with more columns than rows. Consider enabling autoTranspose"
            );
            at = value.transpose();
          } else {
            at = value.clone();
            m = value.columns;
            n = value.rows;
            swapped = true;
            let aux = wantu;
            wantu = wantv;
            wantv = aux;
          }
        } else {
          at = value.transpose();
        }
        let nu = Math.min(m, n);
        let ni = Math.min(m + 1, n);
        let s = new Float64Array(ni);
        let U = new Matrix3(nu, m);
        let V = new Matrix3(n, n);
        let e = new Float64Array(n);
        let work = new Float64Array(m);
        let si = new Float64Array(ni);
        for (let i = 0; i < ni; i++) si[i] = i;
        let nct = Math.min(m - 1, n);
        let nrt = Math.max(0, Math.min(n - 2, m));
        let mrc = Math.max(nct, nrt);
        for (let k = 0; k < mrc; k++) {
          if (k < nct) {
            s[k] = 0;
            for (let i = k; i < m; i++) {
              s[k] = hypotenuse(s[k], at.get(k, i));
            }
            if (s[k] !== 0) {
              if (at.get(k, k) < 0) {
                s[k] = -s[k];
              }
              for (let i = k; i < m; i++) {
                at.set(k, i, at.get(k, i) / s[k]);
              }
              at.set(k, k, at.get(k, k) + 1);
            }
            s[k] = -s[k];
          }
          for (let j = k + 1; j < n; j++) {
            if (k < nct && s[k] !== 0) {
              let t = 0;
              for (let i = k; i < m; i++) {
                t += at.get(k, i) * at.get(j, i);
              }
              t = -t / at.get(k, k);
              for (let i = k; i < m; i++) {
                at.set(j, i, at.get(j, i) + t * at.get(k, i));
              }
            }
            e[j] = at.get(j, k);
          }
          if (wantu && k < nct) {
            for (let i = k; i < m; i++) {
              U.set(k, i, at.get(k, i));
            }
          }
          if (k < nrt) {
            e[k] = 0;
            for (let i = k + 1; i < n; i++) {
              e[k] = hypotenuse(e[k], e[i]);
            }
            if (e[k] !== 0) {
              if (e[k + 1] < 0) {
                e[k] = 0 - e[k];
              }
              for (let i = k + 1; i < n; i++) {
                e[i] /= e[k];
              }
              e[k + 1] += 1;
            }
            e[k] = -e[k];
            if (k + 1 < m && e[k] !== 0) {
              for (let i = k + 1; i < m; i++) {
                work[i] = 0;
              }
              for (let i = k + 1; i < m; i++) {
                for (let j = k + 1; j < n; j++) {
                  work[i] += e[j] * at.get(j, i);
                }
              }
              for (let j = k + 1; j < n; j++) {
                let t = -e[j] / e[k + 1];
                for (let i = k + 1; i < m; i++) {
                  at.set(j, i, at.get(j, i) + t * work[i]);
                }
              }
            }
            if (wantv) {
              for (let i = k + 1; i < n; i++) {
                V.set(k, i, e[i]);
              }
            }
          }
        }
        let p = Math.min(n, m + 1);
        if (nct < n) {
          s[nct] = at.get(nct, nct);
        }
        if (m < p) {
          s[p - 1] = 0;
        }
        if (nrt + 1 < p) {
          e[nrt] = at.get(p - 1, nrt);
        }
        e[p - 1] = 0;
        if (wantu) {
          for (let j = nct; j < nu; j++) {
            for (let i = 0; i < m; i++) {
              U.set(j, i, 0);
            }
            U.set(j, j, 1);
          }
          for (let k = nct - 1; k >= 0; k--) {
            if (s[k] !== 0) {
              for (let j = k + 1; j < nu; j++) {
                let t = 0;
                for (let i = k; i < m; i++) {
                  t += U.get(k, i) * U.get(j, i);
                }
                t = -t / U.get(k, k);
                for (let i = k; i < m; i++) {
                  U.set(j, i, U.get(j, i) + t * U.get(k, i));
                }
              }
              for (let i = k; i < m; i++) {
                U.set(k, i, -U.get(k, i));
              }
              U.set(k, k, 1 + U.get(k, k));
              for (let i = 0; i < k - 1; i++) {
                U.set(k, i, 0);
              }
            } else {
              for (let i = 0; i < m; i++) {
                U.set(k, i, 0);
              }
              U.set(k, k, 1);
            }
          }
        }
        if (wantv) {
          for (let k = n - 1; k >= 0; k--) {
            if (k < nrt && e[k] !== 0) {
              for (let j = k + 1; j < n; j++) {
                let t = 0;
                for (let i = k + 1; i < n; i++) {
                  t += V.get(k, i) * V.get(j, i);
                }
                t = -t / V.get(k, k + 1);
                for (let i = k + 1; i < n; i++) {
                  V.set(j, i, V.get(j, i) + t * V.get(k, i));
                }
              }
            }
            for (let i = 0; i < n; i++) {
              V.set(k, i, 0);
            }
            V.set(k, k, 1);
          }
        }
        let pp = p - 1;
        let eps = Number.EPSILON;
        while (p > 0) {
          let k, kase;
          for (k = p - 2; k >= -1; k--) {
            if (k === -1) {
              break;
            }
            const alpha = Number.MIN_VALUE + eps * Math.abs(s[k] + Math.abs(s[k + 1]));
            if (Math.abs(e[k]) <= alpha || Number.isNaN(e[k])) {
              e[k] = 0;
              break;
            }
          }
          if (k === p - 2) {
            kase = 4;
          } else {
            let ks;
            for (ks = p - 1; ks >= k; ks--) {
              if (ks === k) {
                break;
              }
              let t = (ks !== p ? Math.abs(e[ks]) : 0) + (ks !== k + 1 ? Math.abs(e[ks - 1]) : 0);
              if (Math.abs(s[ks]) <= eps * t) {
                s[ks] = 0;
                break;
              }
            }
            if (ks === k) {
              kase = 3;
            } else if (ks === p - 1) {
              kase = 1;
            } else {
              kase = 2;
              k = ks;
            }
          }
          k++;
          switch (kase) {
            case 1: {
              let f = e[p - 2];
              e[p - 2] = 0;
              for (let j = p - 2; j >= k; j--) {
                let t = hypotenuse(s[j], f);
                let cs = s[j] / t;
                let sn = f / t;
                s[j] = t;
                if (j !== k) {
                  f = -sn * e[j - 1];
                  e[j - 1] = cs * e[j - 1];
                }
                if (wantv) {
                  for (let i = 0; i < n; i++) {
                    t = cs * V.get(j, i) + sn * V.get(p - 1, i);
                    V.set(p - 1, i, -sn * V.get(j, i) + cs * V.get(p - 1, i));
                    V.set(j, i, t);
                  }
                }
              }
              break;
            }
            case 2: {
              let f = e[k - 1];
              e[k - 1] = 0;
              for (let j = k; j < p; j++) {
                let t = hypotenuse(s[j], f);
                let cs = s[j] / t;
                let sn = f / t;
                s[j] = t;
                f = -sn * e[j];
                e[j] = cs * e[j];
                if (wantu) {
                  for (let i = 0; i < m; i++) {
                    t = cs * U.get(j, i) + sn * U.get(k - 1, i);
                    U.set(k - 1, i, -sn * U.get(j, i) + cs * U.get(k - 1, i));
                    U.set(j, i, t);
                  }
                }
              }
              break;
            }
            case 3: {
              const scale = Math.max(
                Math.abs(s[p - 1]),
                Math.abs(s[p - 2]),
                Math.abs(e[p - 2]),
                Math.abs(s[k]),
                Math.abs(e[k])
              );
              const sp = s[p - 1] / scale;
              const spm1 = s[p - 2] / scale;
              const epm1 = e[p - 2] / scale;
              const sk = s[k] / scale;
              const ek = e[k] / scale;
              const b = ((spm1 + sp) * (spm1 - sp) + epm1 * epm1) / 2;
              const c = sp * epm1 * (sp * epm1);
              let shift = 0;
              if (b !== 0 || c !== 0) {
                if (b < 0) {
                  shift = 0 - Math.sqrt(b * b + c);
                } else {
                  shift = Math.sqrt(b * b + c);
                }
                shift = c / (b + shift);
              }
              let f = (sk + sp) * (sk - sp) + shift;
              let g2 = sk * ek;
              for (let j = k; j < p - 1; j++) {
                let t = hypotenuse(f, g2);
                if (t === 0) t = Number.MIN_VALUE;
                let cs = f / t;
                let sn = g2 / t;
                if (j !== k) {
                  e[j - 1] = t;
                }
                f = cs * s[j] + sn * e[j];
                e[j] = cs * e[j] - sn * s[j];
                g2 = sn * s[j + 1];
                s[j + 1] = cs * s[j + 1];
                if (wantv) {
                  for (let i = 0; i < n; i++) {
                    t = cs * V.get(j, i) + sn * V.get(j + 1, i);
                    V.set(j + 1, i, -sn * V.get(j, i) + cs * V.get(j + 1, i));
                    V.set(j, i, t);
                  }
                }
                t = hypotenuse(f, g2);
                if (t === 0) t = Number.MIN_VALUE;
                cs = f / t;
                sn = g2 / t;
                s[j] = t;
                f = cs * e[j] + sn * s[j + 1];
                s[j + 1] = -sn * e[j] + cs * s[j + 1];
                g2 = sn * e[j + 1];
                e[j + 1] = cs * e[j + 1];
                if (wantu && j < m - 1) {
                  for (let i = 0; i < m; i++) {
                    t = cs * U.get(j, i) + sn * U.get(j + 1, i);
                    U.set(j + 1, i, -sn * U.get(j, i) + cs * U.get(j + 1, i));
                    U.set(j, i, t);
                  }
                }
              }
              e[p - 2] = f;
              break;
            }
            case 4: {
              if (s[k] <= 0) {
                s[k] = s[k] < 0 ? -s[k] : 0;
                if (wantv) {
                  for (let i = 0; i <= pp; i++) {
                    V.set(k, i, -V.get(k, i));
                  }
                }
              }
              while (k < pp) {
                if (s[k] >= s[k + 1]) {
                  break;
                }
                let t = s[k];
                s[k] = s[k + 1];
                s[k + 1] = t;
                if (wantv && k < n - 1) {
                  for (let i = 0; i < n; i++) {
                    t = V.get(k + 1, i);
                    V.set(k + 1, i, V.get(k, i));
                    V.set(k, i, t);
                  }
                }
                if (wantu && k < m - 1) {
                  for (let i = 0; i < m; i++) {
                    t = U.get(k + 1, i);
                    U.set(k + 1, i, U.get(k, i));
                    U.set(k, i, t);
                  }
                }
                k++;
              }
              p--;
              break;
            }
          }
        }
        U = U.isSquare() ? transposeSquareInPlace(U) : U.transpose();
        V = transposeSquareInPlace(V);
        if (swapped) {
          let tmp = V;
          V = U;
          U = tmp;
        }
        this.m = m;
        this.n = n;
        this.s = s;
        this.U = U;
        this.V = V;
      }
      solve(value) {
        let Y = value;
        let e = this.threshold;
        let scols = this.s.length;
        let Ls = Matrix3.zeros(scols, scols);
        for (let i = 0; i < scols; i++) {
          if (Math.abs(this.s[i]) <= e) {
            Ls.set(i, i, 0);
          } else {
            Ls.set(i, i, 1 / this.s[i]);
          }
        }
        let U = this.U;
        let V = this.rightSingularVectors;
        let VL = V.mmul(Ls);
        let vrows = V.rows;
        let urows = U.rows;
        let VLU = Matrix3.zeros(vrows, urows);
        for (let i = 0; i < vrows; i++) {
          for (let j = 0; j < urows; j++) {
            let sum2 = 0;
            for (let k = 0; k < scols; k++) {
              sum2 += VL.get(i, k) * U.get(j, k);
            }
            VLU.set(i, j, sum2);
          }
        }
        return VLU.mmul(Y);
      }
      solveForDiagonal(value) {
        return this.solve(Matrix3.diag(value));
      }
      inverse() {
        let V = this.V;
        let e = this.threshold;
        let vrows = V.rows;
        let vcols = V.columns;
        let X = new Matrix3(vrows, this.s.length);
        for (let i = 0; i < vrows; i++) {
          for (let j = 0; j < vcols; j++) {
            if (Math.abs(this.s[j]) > e) {
              X.set(i, j, V.get(i, j) / this.s[j]);
            }
          }
        }
        let U = this.U;
        let urows = U.rows;
        let ucols = U.columns;
        let Y = new Matrix3(vrows, urows);
        for (let i = 0; i < vrows; i++) {
          for (let j = 0; j < urows; j++) {
            let sum2 = 0;
            for (let k = 0; k < ucols; k++) {
              sum2 += X.get(i, k) * U.get(j, k);
            }
            Y.set(i, j, sum2);
          }
        }
        return Y;
      }
      get condition() {
        return this.s[0] / this.s[Math.min(this.m, this.n) - 1];
      }
      get norm2() {
        return this.s[0];
      }
      get rank() {
        let tol = Math.max(this.m, this.n) * this.s[0] * Number.EPSILON;
        let r = 0;
        let s = this.s;
        for (let i = 0, ii = s.length; i < ii; i++) {
          if (s[i] > tol) {
            r++;
          }
        }
        return r;
      }
      get diagonal() {
        return Array.from(this.s);
      }
      get threshold() {
        return Number.EPSILON / 2 * Math.max(this.m, this.n) * this.s[0];
      }
      get leftSingularVectors() {
        return this.U;
      }
      get rightSingularVectors() {
        return this.V;
      }
      get diagonalMatrix() {
        return Matrix3.diag(this.s);
      }
    };
    function inverse2(matrix2, useSVD = false) {
      matrix2 = WrapperMatrix2D2.checkMatrix(matrix2);
      if (useSVD) {
        return new SingularValueDecomposition2(matrix2).inverse();
      } else {
        return solve2(matrix2, Matrix3.eye(matrix2.rows));
      }
    }
    function solve2(leftHandSide, rightHandSide, useSVD = false) {
      leftHandSide = WrapperMatrix2D2.checkMatrix(leftHandSide);
      rightHandSide = WrapperMatrix2D2.checkMatrix(rightHandSide);
      if (useSVD) {
        return new SingularValueDecomposition2(leftHandSide).solve(rightHandSide);
      } else {
        return leftHandSide.isSquare() ? new LuDecomposition2(leftHandSide).solve(rightHandSide) : new QrDecomposition2(leftHandSide).solve(rightHandSide);
      }
    }
    function determinant2(matrix2) {
      matrix2 = Matrix3.checkMatrix(matrix2);
      if (matrix2.isSquare()) {
        if (matrix2.columns === 0) {
          return 1;
        }
        let a, b, c, d2;
        if (matrix2.columns === 2) {
          a = matrix2.get(0, 0);
          b = matrix2.get(0, 1);
          c = matrix2.get(1, 0);
          d2 = matrix2.get(1, 1);
          return a * d2 - b * c;
        } else if (matrix2.columns === 3) {
          let subMatrix0, subMatrix1, subMatrix2;
          subMatrix0 = new MatrixSelectionView2(matrix2, [1, 2], [1, 2]);
          subMatrix1 = new MatrixSelectionView2(matrix2, [1, 2], [0, 2]);
          subMatrix2 = new MatrixSelectionView2(matrix2, [1, 2], [0, 1]);
          a = matrix2.get(0, 0);
          b = matrix2.get(0, 1);
          c = matrix2.get(0, 2);
          return a * determinant2(subMatrix0) - b * determinant2(subMatrix1) + c * determinant2(subMatrix2);
        } else {
          return new LuDecomposition2(matrix2).determinant;
        }
      } else {
        throw Error("determinant can only be calculated for a square matrix");
      }
    }
    function xrange(n, exception) {
      let range = [];
      for (let i = 0; i < n; i++) {
        if (i !== exception) {
          range.push(i);
        }
      }
      return range;
    }
    function dependenciesOneRow(error, matrix2, index, thresholdValue = 1e-9, thresholdError = 1e-9) {
      if (error > thresholdError) {
        return new Array(matrix2.rows + 1).fill(0);
      } else {
        let returnArray = matrix2.addRow(index, [0]);
        for (let i = 0; i < returnArray.rows; i++) {
          if (Math.abs(returnArray.get(i, 0)) < thresholdValue) {
            returnArray.set(i, 0, 0);
          }
        }
        return returnArray.to1DArray();
      }
    }
    function linearDependencies2(matrix2, options = {}) {
      const { thresholdValue = 1e-9, thresholdError = 1e-9 } = options;
      matrix2 = Matrix3.checkMatrix(matrix2);
      let n = matrix2.rows;
      let results = new Matrix3(n, n);
      for (let i = 0; i < n; i++) {
        let b = Matrix3.columnVector(matrix2.getRow(i));
        let Abis = matrix2.subMatrixRow(xrange(n, i)).transpose();
        let svd = new SingularValueDecomposition2(Abis);
        let x = svd.solve(b);
        let scale = Matrix3.abs(b).max() || 1;
        let error = Matrix3.sub(b, Abis.mmul(x)).abs().max() / scale;
        results.setRow(
          i,
          dependenciesOneRow(error, x, i, thresholdValue, thresholdError)
        );
      }
      return results;
    }
    function pseudoInverse3(matrix2, threshold = Number.EPSILON) {
      matrix2 = Matrix3.checkMatrix(matrix2);
      if (matrix2.isEmpty()) {
        return matrix2.transpose();
      }
      let svdSolution = new SingularValueDecomposition2(matrix2, { autoTranspose: true });
      let U = svdSolution.leftSingularVectors;
      let V = svdSolution.rightSingularVectors;
      let s = svdSolution.diagonal;
      const cutoff = threshold * Math.max(matrix2.rows, matrix2.columns) * s[0];
      for (let i = 0; i < s.length; i++) {
        if (Math.abs(s[i]) > cutoff) {
          s[i] = 1 / s[i];
        } else {
          s[i] = 0;
        }
      }
      return V.mmul(Matrix3.diag(s).mmul(U.transpose()));
    }
    function covariance2(xMatrix, yMatrix = xMatrix, options = {}) {
      xMatrix = new Matrix3(xMatrix);
      let yIsSame = false;
      if (typeof yMatrix === "object" && !Matrix3.isMatrix(yMatrix) && !isAnyArray(yMatrix)) {
        options = yMatrix;
        yMatrix = xMatrix;
        yIsSame = true;
      } else {
        yMatrix = new Matrix3(yMatrix);
      }
      if (xMatrix.rows !== yMatrix.rows) {
        throw new TypeError("Both matrices must have the same number of rows");
      }
      const { center = true } = options;
      if (center) {
        xMatrix = xMatrix.center("column");
        if (!yIsSame) {
          yMatrix = yMatrix.center("column");
        }
      }
      const cov = xMatrix.transposeMultiply(yMatrix);
      for (let i = 0; i < cov.rows; i++) {
        for (let j = 0; j < cov.columns; j++) {
          cov.set(i, j, cov.get(i, j) * (1 / (xMatrix.rows - 1)));
        }
      }
      return cov;
    }
    function correlation2(xMatrix, yMatrix = xMatrix, options = {}) {
      xMatrix = new Matrix3(xMatrix);
      let yIsSame = false;
      if (typeof yMatrix === "object" && !Matrix3.isMatrix(yMatrix) && !isAnyArray(yMatrix)) {
        options = yMatrix;
        yMatrix = xMatrix;
        yIsSame = true;
      } else {
        yMatrix = new Matrix3(yMatrix);
      }
      if (xMatrix.rows !== yMatrix.rows) {
        throw new TypeError("Both matrices must have the same number of rows");
      }
      const { center = true, scale = true } = options;
      if (center) {
        xMatrix.center("column");
        if (!yIsSame) {
          yMatrix.center("column");
        }
      }
      if (scale) {
        xMatrix.scale("column");
        if (!yIsSame) {
          yMatrix.scale("column");
        }
      }
      const sdx = xMatrix.standardDeviation("column", { unbiased: true });
      const sdy = yIsSame ? sdx : yMatrix.standardDeviation("column", { unbiased: true });
      const corr = xMatrix.transposeMultiply(yMatrix);
      for (let i = 0; i < corr.rows; i++) {
        for (let j = 0; j < corr.columns; j++) {
          corr.set(
            i,
            j,
            corr.get(i, j) * (1 / (sdx[i] * sdy[j])) * (1 / (xMatrix.rows - 1))
          );
        }
      }
      return corr;
    }
    var EigenvalueDecomposition2 = class {
      constructor(matrix2, options = {}) {
        const { assumeSymmetric = false } = options;
        matrix2 = WrapperMatrix2D2.checkMatrix(matrix2);
        if (!matrix2.isSquare()) {
          throw new Error("Matrix is not a square matrix");
        }
        if (matrix2.isEmpty()) {
          throw new Error("Matrix must be non-empty");
        }
        let n = matrix2.columns;
        let V = new Matrix3(n, n);
        let d2 = new Float64Array(n);
        let e = new Float64Array(n);
        let value = matrix2;
        let i, j;
        let isSymmetric = false;
        if (assumeSymmetric) {
          isSymmetric = true;
        } else {
          isSymmetric = matrix2.isSymmetric();
        }
        if (isSymmetric) {
          for (i = 0; i < n; i++) {
            for (j = 0; j < n; j++) {
              V.set(j, i, value.get(i, j));
            }
          }
          tred2(n, e, d2, V);
          tql2(n, e, d2, V);
          transposeSquareInPlace(V);
        } else {
          let H = new Matrix3(n, n);
          let ort = new Float64Array(n);
          for (j = 0; j < n; j++) {
            for (i = 0; i < n; i++) {
              H.set(i, j, value.get(i, j));
            }
          }
          orthes(n, H, ort, V);
          hqr2(n, e, d2, V, H);
        }
        this.n = n;
        this.e = e;
        this.d = d2;
        this.V = V;
      }
      get realEigenvalues() {
        return Array.from(this.d);
      }
      get imaginaryEigenvalues() {
        return Array.from(this.e);
      }
      get eigenvectorMatrix() {
        return this.V;
      }
      get diagonalMatrix() {
        let n = this.n;
        let e = this.e;
        let d2 = this.d;
        let X = new Matrix3(n, n);
        let i, j;
        for (i = 0; i < n; i++) {
          for (j = 0; j < n; j++) {
            X.set(i, j, 0);
          }
          X.set(i, i, d2[i]);
          if (e[i] > 0) {
            X.set(i, i + 1, e[i]);
          } else if (e[i] < 0) {
            X.set(i, i - 1, e[i]);
          }
        }
        return X;
      }
    };
    function tred2(n, e, d2, V) {
      let f, g2, h, i, j, k, hh, scale;
      for (j = 0; j < n; j++) {
        d2[j] = V.get(j, n - 1);
      }
      for (i = n - 1; i > 0; i--) {
        scale = 0;
        h = 0;
        for (k = 0; k < i; k++) {
          scale = scale + Math.abs(d2[k]);
        }
        if (scale === 0) {
          e[i] = d2[i - 1];
          for (j = 0; j < i; j++) {
            d2[j] = V.get(j, i - 1);
            V.set(j, i, 0);
            V.set(i, j, 0);
          }
        } else {
          for (k = 0; k < i; k++) {
            d2[k] /= scale;
            h += d2[k] * d2[k];
          }
          f = d2[i - 1];
          g2 = Math.sqrt(h);
          if (f > 0) {
            g2 = -g2;
          }
          e[i] = scale * g2;
          h = h - f * g2;
          d2[i - 1] = f - g2;
          for (j = 0; j < i; j++) {
            e[j] = 0;
          }
          for (j = 0; j < i; j++) {
            f = d2[j];
            V.set(i, j, f);
            g2 = e[j] + V.get(j, j) * f;
            for (k = j + 1; k <= i - 1; k++) {
              g2 += V.get(j, k) * d2[k];
              e[k] += V.get(j, k) * f;
            }
            e[j] = g2;
          }
          f = 0;
          for (j = 0; j < i; j++) {
            e[j] /= h;
            f += e[j] * d2[j];
          }
          hh = f / (h + h);
          for (j = 0; j < i; j++) {
            e[j] -= hh * d2[j];
          }
          for (j = 0; j < i; j++) {
            f = d2[j];
            g2 = e[j];
            for (k = j; k <= i - 1; k++) {
              V.set(j, k, V.get(j, k) - (f * e[k] + g2 * d2[k]));
            }
            d2[j] = V.get(j, i - 1);
            V.set(j, i, 0);
          }
        }
        d2[i] = h;
      }
      for (i = 0; i < n - 1; i++) {
        V.set(i, n - 1, V.get(i, i));
        V.set(i, i, 1);
        h = d2[i + 1];
        if (h !== 0) {
          for (k = 0; k <= i; k++) {
            d2[k] = V.get(i + 1, k) / h;
          }
          for (j = 0; j <= i; j++) {
            g2 = 0;
            for (k = 0; k <= i; k++) {
              g2 += V.get(i + 1, k) * V.get(j, k);
            }
            for (k = 0; k <= i; k++) {
              V.set(j, k, V.get(j, k) - g2 * d2[k]);
            }
          }
        }
        for (k = 0; k <= i; k++) {
          V.set(i + 1, k, 0);
        }
      }
      for (j = 0; j < n; j++) {
        d2[j] = V.get(j, n - 1);
        V.set(j, n - 1, 0);
      }
      V.set(n - 1, n - 1, 1);
      e[0] = 0;
    }
    function tql2(n, e, d2, V) {
      let g2, h, i, j, k, l, m, p, r, dl1, c, c2, c3, el1, s, s2;
      for (i = 1; i < n; i++) {
        e[i - 1] = e[i];
      }
      e[n - 1] = 0;
      let f = 0;
      let tst1 = 0;
      let eps = Number.EPSILON;
      for (l = 0; l < n; l++) {
        tst1 = Math.max(tst1, Math.abs(d2[l]) + Math.abs(e[l]));
        m = l;
        while (m < n) {
          if (Math.abs(e[m]) <= eps * tst1) {
            break;
          }
          m++;
        }
        if (m > l) {
          do {
            g2 = d2[l];
            p = (d2[l + 1] - g2) / (2 * e[l]);
            r = hypotenuse(p, 1);
            if (p < 0) {
              r = -r;
            }
            d2[l] = e[l] / (p + r);
            d2[l + 1] = e[l] * (p + r);
            dl1 = d2[l + 1];
            h = g2 - d2[l];
            for (i = l + 2; i < n; i++) {
              d2[i] -= h;
            }
            f = f + h;
            p = d2[m];
            c = 1;
            c2 = c;
            c3 = c;
            el1 = e[l + 1];
            s = 0;
            s2 = 0;
            for (i = m - 1; i >= l; i--) {
              c3 = c2;
              c2 = c;
              s2 = s;
              g2 = c * e[i];
              h = c * p;
              r = hypotenuse(p, e[i]);
              e[i + 1] = s * r;
              s = e[i] / r;
              c = p / r;
              p = c * d2[i] - s * g2;
              d2[i + 1] = h + s * (c * g2 + s * d2[i]);
              for (k = 0; k < n; k++) {
                h = V.get(i + 1, k);
                V.set(i + 1, k, s * V.get(i, k) + c * h);
                V.set(i, k, c * V.get(i, k) - s * h);
              }
            }
            p = -s * s2 * c3 * el1 * e[l] / dl1;
            e[l] = s * p;
            d2[l] = c * p;
          } while (Math.abs(e[l]) > eps * tst1);
        }
        d2[l] = d2[l] + f;
        e[l] = 0;
      }
      for (i = 0; i < n - 1; i++) {
        k = i;
        p = d2[i];
        for (j = i + 1; j < n; j++) {
          if (d2[j] < p) {
            k = j;
            p = d2[j];
          }
        }
        if (k !== i) {
          d2[k] = d2[i];
          d2[i] = p;
          for (j = 0; j < n; j++) {
            p = V.get(i, j);
            V.set(i, j, V.get(k, j));
            V.set(k, j, p);
          }
        }
      }
    }
    function orthes(n, H, ort, V) {
      let low = 0;
      let high = n - 1;
      let f, g2, h, i, j, m;
      let scale;
      for (m = low + 1; m <= high - 1; m++) {
        scale = 0;
        for (i = m; i <= high; i++) {
          scale = scale + Math.abs(H.get(i, m - 1));
        }
        if (scale !== 0) {
          h = 0;
          for (i = high; i >= m; i--) {
            ort[i] = H.get(i, m - 1) / scale;
            h += ort[i] * ort[i];
          }
          g2 = Math.sqrt(h);
          if (ort[m] > 0) {
            g2 = -g2;
          }
          h = h - ort[m] * g2;
          ort[m] = ort[m] - g2;
          for (j = m; j < n; j++) {
            f = 0;
            for (i = high; i >= m; i--) {
              f += ort[i] * H.get(i, j);
            }
            f = f / h;
            for (i = m; i <= high; i++) {
              H.set(i, j, H.get(i, j) - f * ort[i]);
            }
          }
          for (i = 0; i <= high; i++) {
            f = 0;
            for (j = high; j >= m; j--) {
              f += ort[j] * H.get(i, j);
            }
            f = f / h;
            for (j = m; j <= high; j++) {
              H.set(i, j, H.get(i, j) - f * ort[j]);
            }
          }
          ort[m] = scale * ort[m];
          H.set(m, m - 1, scale * g2);
        }
      }
      for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++) {
          V.set(i, j, i === j ? 1 : 0);
        }
      }
      for (m = high - 1; m >= low + 1; m--) {
        if (H.get(m, m - 1) !== 0) {
          for (i = m + 1; i <= high; i++) {
            ort[i] = H.get(i, m - 1);
          }
          for (j = m; j <= high; j++) {
            g2 = 0;
            for (i = m; i <= high; i++) {
              g2 += ort[i] * V.get(i, j);
            }
            g2 = g2 / ort[m] / H.get(m, m - 1);
            for (i = m; i <= high; i++) {
              V.set(i, j, V.get(i, j) + g2 * ort[i]);
            }
          }
        }
      }
    }
    function hqr2(nn, e, d2, V, H) {
      let n = nn - 1;
      let low = 0;
      let high = nn - 1;
      let eps = Number.EPSILON;
      let exshift = 0;
      let norm = 0;
      let p = 0;
      let q = 0;
      let r = 0;
      let s = 0;
      let z4 = 0;
      let iter = 0;
      let i, j, k, l, m, t, w, x, y;
      let ra, sa, vr, vi;
      let notlast, cdivres;
      for (i = 0; i < nn; i++) {
        if (i < low || i > high) {
          d2[i] = H.get(i, i);
          e[i] = 0;
        }
        for (j = Math.max(i - 1, 0); j < nn; j++) {
          norm = norm + Math.abs(H.get(i, j));
        }
      }
      while (n >= low) {
        l = n;
        while (l > low) {
          s = Math.abs(H.get(l - 1, l - 1)) + Math.abs(H.get(l, l));
          if (s === 0) {
            s = norm;
          }
          if (Math.abs(H.get(l, l - 1)) < eps * s) {
            break;
          }
          l--;
        }
        if (l === n) {
          H.set(n, n, H.get(n, n) + exshift);
          d2[n] = H.get(n, n);
          e[n] = 0;
          n--;
          iter = 0;
        } else if (l === n - 1) {
          w = H.get(n, n - 1) * H.get(n - 1, n);
          p = (H.get(n - 1, n - 1) - H.get(n, n)) / 2;
          q = p * p + w;
          z4 = Math.sqrt(Math.abs(q));
          H.set(n, n, H.get(n, n) + exshift);
          H.set(n - 1, n - 1, H.get(n - 1, n - 1) + exshift);
          x = H.get(n, n);
          if (q >= 0) {
            z4 = p >= 0 ? p + z4 : p - z4;
            d2[n - 1] = x + z4;
            d2[n] = d2[n - 1];
            if (z4 !== 0) {
              d2[n] = x - w / z4;
            }
            e[n - 1] = 0;
            e[n] = 0;
            x = H.get(n, n - 1);
            s = Math.abs(x) + Math.abs(z4);
            p = x / s;
            q = z4 / s;
            r = Math.sqrt(p * p + q * q);
            p = p / r;
            q = q / r;
            for (j = n - 1; j < nn; j++) {
              z4 = H.get(n - 1, j);
              H.set(n - 1, j, q * z4 + p * H.get(n, j));
              H.set(n, j, q * H.get(n, j) - p * z4);
            }
            for (i = 0; i <= n; i++) {
              z4 = H.get(i, n - 1);
              H.set(i, n - 1, q * z4 + p * H.get(i, n));
              H.set(i, n, q * H.get(i, n) - p * z4);
            }
            for (i = low; i <= high; i++) {
              z4 = V.get(i, n - 1);
              V.set(i, n - 1, q * z4 + p * V.get(i, n));
              V.set(i, n, q * V.get(i, n) - p * z4);
            }
          } else {
            d2[n - 1] = x + p;
            d2[n] = x + p;
            e[n - 1] = z4;
            e[n] = -z4;
          }
          n = n - 2;
          iter = 0;
        } else {
          x = H.get(n, n);
          y = 0;
          w = 0;
          if (l < n) {
            y = H.get(n - 1, n - 1);
            w = H.get(n, n - 1) * H.get(n - 1, n);
          }
          if (iter === 10) {
            exshift += x;
            for (i = low; i <= n; i++) {
              H.set(i, i, H.get(i, i) - x);
            }
            s = Math.abs(H.get(n, n - 1)) + Math.abs(H.get(n - 1, n - 2));
            x = y = 0.75 * s;
            w = -0.4375 * s * s;
          }
          if (iter === 30) {
            s = (y - x) / 2;
            s = s * s + w;
            if (s > 0) {
              s = Math.sqrt(s);
              if (y < x) {
                s = -s;
              }
              s = x - w / ((y - x) / 2 + s);
              for (i = low; i <= n; i++) {
                H.set(i, i, H.get(i, i) - s);
              }
              exshift += s;
              x = y = w = 0.964;
            }
          }
          iter = iter + 1;
          m = n - 2;
          while (m >= l) {
            z4 = H.get(m, m);
            r = x - z4;
            s = y - z4;
            p = (r * s - w) / H.get(m + 1, m) + H.get(m, m + 1);
            q = H.get(m + 1, m + 1) - z4 - r - s;
            r = H.get(m + 2, m + 1);
            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p = p / s;
            q = q / s;
            r = r / s;
            if (m === l) {
              break;
            }
            if (Math.abs(H.get(m, m - 1)) * (Math.abs(q) + Math.abs(r)) < eps * (Math.abs(p) * (Math.abs(H.get(m - 1, m - 1)) + Math.abs(z4) + Math.abs(H.get(m + 1, m + 1))))) {
              break;
            }
            m--;
          }
          for (i = m + 2; i <= n; i++) {
            H.set(i, i - 2, 0);
            if (i > m + 2) {
              H.set(i, i - 3, 0);
            }
          }
          for (k = m; k <= n - 1; k++) {
            notlast = k !== n - 1;
            if (k !== m) {
              p = H.get(k, k - 1);
              q = H.get(k + 1, k - 1);
              r = notlast ? H.get(k + 2, k - 1) : 0;
              x = Math.abs(p) + Math.abs(q) + Math.abs(r);
              if (x !== 0) {
                p = p / x;
                q = q / x;
                r = r / x;
              }
            }
            if (x === 0) {
              break;
            }
            s = Math.sqrt(p * p + q * q + r * r);
            if (p < 0) {
              s = -s;
            }
            if (s !== 0) {
              if (k !== m) {
                H.set(k, k - 1, -s * x);
              } else if (l !== m) {
                H.set(k, k - 1, -H.get(k, k - 1));
              }
              p = p + s;
              x = p / s;
              y = q / s;
              z4 = r / s;
              q = q / p;
              r = r / p;
              for (j = k; j < nn; j++) {
                p = H.get(k, j) + q * H.get(k + 1, j);
                if (notlast) {
                  p = p + r * H.get(k + 2, j);
                  H.set(k + 2, j, H.get(k + 2, j) - p * z4);
                }
                H.set(k, j, H.get(k, j) - p * x);
                H.set(k + 1, j, H.get(k + 1, j) - p * y);
              }
              for (i = 0; i <= Math.min(n, k + 3); i++) {
                p = x * H.get(i, k) + y * H.get(i, k + 1);
                if (notlast) {
                  p = p + z4 * H.get(i, k + 2);
                  H.set(i, k + 2, H.get(i, k + 2) - p * r);
                }
                H.set(i, k, H.get(i, k) - p);
                H.set(i, k + 1, H.get(i, k + 1) - p * q);
              }
              for (i = low; i <= high; i++) {
                p = x * V.get(i, k) + y * V.get(i, k + 1);
                if (notlast) {
                  p = p + z4 * V.get(i, k + 2);
                  V.set(i, k + 2, V.get(i, k + 2) - p * r);
                }
                V.set(i, k, V.get(i, k) - p);
                V.set(i, k + 1, V.get(i, k + 1) - p * q);
              }
            }
          }
        }
      }
      if (norm === 0) {
        return;
      }
      for (n = nn - 1; n >= 0; n--) {
        p = d2[n];
        q = e[n];
        if (q === 0) {
          l = n;
          H.set(n, n, 1);
          for (i = n - 1; i >= 0; i--) {
            w = H.get(i, i) - p;
            r = 0;
            for (j = l; j <= n; j++) {
              r = r + H.get(i, j) * H.get(j, n);
            }
            if (e[i] < 0) {
              z4 = w;
              s = r;
            } else {
              l = i;
              if (e[i] === 0) {
                H.set(i, n, w !== 0 ? -r / w : -r / (eps * norm));
              } else {
                x = H.get(i, i + 1);
                y = H.get(i + 1, i);
                q = (d2[i] - p) * (d2[i] - p) + e[i] * e[i];
                t = (x * s - z4 * r) / q;
                H.set(i, n, t);
                H.set(
                  i + 1,
                  n,
                  Math.abs(x) > Math.abs(z4) ? (-r - w * t) / x : (-s - y * t) / z4
                );
              }
              t = Math.abs(H.get(i, n));
              if (eps * t * t > 1) {
                for (j = i; j <= n; j++) {
                  H.set(j, n, H.get(j, n) / t);
                }
              }
            }
          }
        } else if (q < 0) {
          l = n - 1;
          if (Math.abs(H.get(n, n - 1)) > Math.abs(H.get(n - 1, n))) {
            H.set(n - 1, n - 1, q / H.get(n, n - 1));
            H.set(n - 1, n, -(H.get(n, n) - p) / H.get(n, n - 1));
          } else {
            cdivres = cdiv(0, -H.get(n - 1, n), H.get(n - 1, n - 1) - p, q);
            H.set(n - 1, n - 1, cdivres[0]);
            H.set(n - 1, n, cdivres[1]);
          }
          H.set(n, n - 1, 0);
          H.set(n, n, 1);
          for (i = n - 2; i >= 0; i--) {
            ra = 0;
            sa = 0;
            for (j = l; j <= n; j++) {
              ra = ra + H.get(i, j) * H.get(j, n - 1);
              sa = sa + H.get(i, j) * H.get(j, n);
            }
            w = H.get(i, i) - p;
            if (e[i] < 0) {
              z4 = w;
              r = ra;
              s = sa;
            } else {
              l = i;
              if (e[i] === 0) {
                cdivres = cdiv(-ra, -sa, w, q);
                H.set(i, n - 1, cdivres[0]);
                H.set(i, n, cdivres[1]);
              } else {
                x = H.get(i, i + 1);
                y = H.get(i + 1, i);
                vr = (d2[i] - p) * (d2[i] - p) + e[i] * e[i] - q * q;
                vi = (d2[i] - p) * 2 * q;
                if (vr === 0 && vi === 0) {
                  vr = eps * norm * (Math.abs(w) + Math.abs(q) + Math.abs(x) + Math.abs(y) + Math.abs(z4));
                }
                cdivres = cdiv(
                  x * r - z4 * ra + q * sa,
                  x * s - z4 * sa - q * ra,
                  vr,
                  vi
                );
                H.set(i, n - 1, cdivres[0]);
                H.set(i, n, cdivres[1]);
                if (Math.abs(x) > Math.abs(z4) + Math.abs(q)) {
                  H.set(
                    i + 1,
                    n - 1,
                    (-ra - w * H.get(i, n - 1) + q * H.get(i, n)) / x
                  );
                  H.set(
                    i + 1,
                    n,
                    (-sa - w * H.get(i, n) - q * H.get(i, n - 1)) / x
                  );
                } else {
                  cdivres = cdiv(
                    -r - y * H.get(i, n - 1),
                    -s - y * H.get(i, n),
                    z4,
                    q
                  );
                  H.set(i + 1, n - 1, cdivres[0]);
                  H.set(i + 1, n, cdivres[1]);
                }
              }
              t = Math.max(Math.abs(H.get(i, n - 1)), Math.abs(H.get(i, n)));
              if (eps * t * t > 1) {
                for (j = i; j <= n; j++) {
                  H.set(j, n - 1, H.get(j, n - 1) / t);
                  H.set(j, n, H.get(j, n) / t);
                }
              }
            }
          }
        }
      }
      for (i = 0; i < nn; i++) {
        if (i < low || i > high) {
          for (j = i; j < nn; j++) {
            V.set(i, j, H.get(i, j));
          }
        }
      }
      for (j = nn - 1; j >= low; j--) {
        for (i = low; i <= high; i++) {
          z4 = 0;
          for (k = low; k <= Math.min(j, high); k++) {
            z4 = z4 + V.get(i, k) * H.get(k, j);
          }
          V.set(i, j, z4);
        }
      }
    }
    function cdiv(xr, xi, yr, yi) {
      let r, d2;
      if (Math.abs(yr) > Math.abs(yi)) {
        r = yi / yr;
        d2 = yr + r * yi;
        return [(xr + r * xi) / d2, (xi - r * xr) / d2];
      } else {
        r = yr / yi;
        d2 = yi + r * yr;
        return [(r * xr + xi) / d2, (r * xi - xr) / d2];
      }
    }
    var CholeskyDecomposition2 = class {
      constructor(value) {
        value = WrapperMatrix2D2.checkMatrix(value);
        if (!value.isSymmetric()) {
          throw new Error("Matrix is not symmetric");
        }
        let a = value;
        let dimension = a.rows;
        let l = new Matrix3(dimension, dimension);
        let positiveDefinite = true;
        let i, j, k;
        for (j = 0; j < dimension; j++) {
          let d2 = 0;
          for (k = 0; k < j; k++) {
            let s = 0;
            for (i = 0; i < k; i++) {
              s += l.get(k, i) * l.get(j, i);
            }
            s = (a.get(j, k) - s) / l.get(k, k);
            l.set(j, k, s);
            d2 = d2 + s * s;
          }
          d2 = a.get(j, j) - d2;
          positiveDefinite &&= d2 > 0;
          l.set(j, j, Math.sqrt(Math.max(d2, 0)));
          for (k = j + 1; k < dimension; k++) {
            l.set(j, k, 0);
          }
        }
        this.L = l;
        this.positiveDefinite = positiveDefinite;
      }
      isPositiveDefinite() {
        return this.positiveDefinite;
      }
      solve(value) {
        value = WrapperMatrix2D2.checkMatrix(value);
        let l = this.L;
        let dimension = l.rows;
        if (value.rows !== dimension) {
          throw new Error("Matrix dimensions do not match");
        }
        if (this.isPositiveDefinite() === false) {
          throw new Error("Matrix is not positive definite");
        }
        let count = value.columns;
        let B = value.clone();
        let i, j, k;
        for (k = 0; k < dimension; k++) {
          for (j = 0; j < count; j++) {
            for (i = 0; i < k; i++) {
              B.set(k, j, B.get(k, j) - B.get(i, j) * l.get(k, i));
            }
            B.set(k, j, B.get(k, j) / l.get(k, k));
          }
        }
        for (k = dimension - 1; k >= 0; k--) {
          for (j = 0; j < count; j++) {
            for (i = k + 1; i < dimension; i++) {
              B.set(k, j, B.get(k, j) - B.get(i, j) * l.get(i, k));
            }
            B.set(k, j, B.get(k, j) / l.get(k, k));
          }
        }
        return B;
      }
      get lowerTriangularMatrix() {
        return this.L;
      }
    };
    var nipals = class {
      constructor(X, options = {}) {
        X = WrapperMatrix2D2.checkMatrix(X);
        let { Y } = options;
        const {
          scaleScores = false,
          maxIterations = 1e3,
          terminationCriteria = 1e-10
        } = options;
        let u;
        if (Y) {
          if (isAnyArray(Y) && typeof Y[0] === "number") {
            Y = Matrix3.columnVector(Y);
          } else {
            Y = WrapperMatrix2D2.checkMatrix(Y);
          }
          if (Y.rows !== X.rows) {
            throw new Error("Y should have the same number of rows as X");
          }
          u = Y.getColumnVector(0);
        } else {
          u = X.getColumnVector(0);
        }
        let diff = 1;
        let t, q, w, tOld;
        for (let counter = 0; counter < maxIterations && diff > terminationCriteria; counter++) {
          w = X.transpose().mmul(u).div(u.transpose().mmul(u).get(0, 0));
          w = w.div(w.norm());
          t = X.mmul(w).div(w.transpose().mmul(w).get(0, 0));
          if (counter > 0) {
            diff = t.clone().sub(tOld).pow(2).sum();
          }
          tOld = t.clone();
          if (Y) {
            q = Y.transpose().mmul(t).div(t.transpose().mmul(t).get(0, 0));
            q = q.div(q.norm());
            u = Y.mmul(q).div(q.transpose().mmul(q).get(0, 0));
          } else {
            u = t;
          }
        }
        if (Y) {
          let p = X.transpose().mmul(t).div(t.transpose().mmul(t).get(0, 0));
          p = p.div(p.norm());
          let xResidual = X.clone().sub(t.clone().mmul(p.transpose()));
          let residual = u.transpose().mmul(t).div(t.transpose().mmul(t).get(0, 0));
          let yResidual = Y.clone().sub(
            t.clone().mulS(residual.get(0, 0)).mmul(q.transpose())
          );
          this.t = t;
          this.p = p.transpose();
          this.w = w.transpose();
          this.q = q;
          this.u = u;
          this.s = t.transpose().mmul(t);
          this.xResidual = xResidual;
          this.yResidual = yResidual;
          this.betas = residual;
        } else {
          this.w = w.transpose();
          this.s = t.transpose().mmul(t).sqrt();
          if (scaleScores) {
            this.t = t.clone().div(this.s.get(0, 0));
          } else {
            this.t = t;
          }
          this.xResidual = X.sub(t.mmul(w.transpose()));
        }
      }
    };
    exports.AbstractMatrix = AbstractMatrix2;
    exports.CHO = CholeskyDecomposition2;
    exports.CholeskyDecomposition = CholeskyDecomposition2;
    exports.DistanceMatrix = DistanceMatrix2;
    exports.EVD = EigenvalueDecomposition2;
    exports.EigenvalueDecomposition = EigenvalueDecomposition2;
    exports.LU = LuDecomposition2;
    exports.LuDecomposition = LuDecomposition2;
    exports.Matrix = Matrix3;
    exports.MatrixColumnSelectionView = MatrixColumnSelectionView2;
    exports.MatrixColumnView = MatrixColumnView2;
    exports.MatrixFlipColumnView = MatrixFlipColumnView2;
    exports.MatrixFlipRowView = MatrixFlipRowView2;
    exports.MatrixRowSelectionView = MatrixRowSelectionView2;
    exports.MatrixRowView = MatrixRowView2;
    exports.MatrixSelectionView = MatrixSelectionView2;
    exports.MatrixSubView = MatrixSubView2;
    exports.MatrixTransposeView = MatrixTransposeView2;
    exports.NIPALS = nipals;
    exports.Nipals = nipals;
    exports.QR = QrDecomposition2;
    exports.QrDecomposition = QrDecomposition2;
    exports.SVD = SingularValueDecomposition2;
    exports.SingularValueDecomposition = SingularValueDecomposition2;
    exports.SymmetricMatrix = SymmetricMatrix2;
    exports.WrapperMatrix1D = WrapperMatrix1D2;
    exports.WrapperMatrix2D = WrapperMatrix2D2;
    exports.correlation = correlation2;
    exports.covariance = covariance2;
    exports.default = Matrix3;
    exports.determinant = determinant2;
    exports.inverse = inverse2;
    exports.linearDependencies = linearDependencies2;
    exports.pseudoInverse = pseudoInverse3;
    exports.solve = solve2;
    exports.wrap = wrap2;
  }
});

// ../../packages/telemetry/src/errors.ts
var TelemetryError = class extends Error {
  /** The stable code to branch on. */
  code;
  /** The errno name (`ENOENT`, `EACCES`, …) when the error came from a system call. */
  errno;
  /** The system call that failed, when there was one. */
  syscall;
  /** The file the error is about, when there is one. */
  path;
  constructor(code, message, options = {}) {
    super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = "TelemetryError";
    this.code = code;
    if (options.errno !== void 0) this.errno = options.errno;
    if (options.syscall !== void 0) this.syscall = options.syscall;
    if (options.path !== void 0) this.path = options.path;
  }
};
function malformed(file, line, text2, expected) {
  const shown = text2.length > 80 ? `${text2.slice(0, 77)}...` : text2;
  return new TelemetryError(
    "ERR_AINKA_TELEMETRY_MALFORMED_INPUT",
    `${file}:${line}: expected ${expected}, got ${JSON.stringify(shown)}. This kernel prints a format the parser does not know; record the file as a fixture (packages/telemetry/scripts/record-fixtures.mjs) and open an issue.`,
    { path: file }
  );
}

// ../../packages/telemetry/src/metricSample.ts
function seriesKey(sample) {
  const labels = sample.labels;
  if (labels === void 0) return sample.name;
  const keys = Object.keys(labels);
  if (keys.length === 0) return sample.name;
  if (keys.length > 1) keys.sort();
  let out = `${sample.name}{`;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    out += `${i === 0 ? "" : ","}${k}=${JSON.stringify(labels[k])}`;
  }
  return `${out}}`;
}

// ../../packages/telemetry/src/metricCatalogue.ts
var STAT = "/proc/stat";
var MEM = "/proc/meminfo";
var VM = "/proc/vmstat";
var DISK = "/proc/diskstats";
var NETDEV = "/proc/net/dev";
var SNMP = "/proc/net/snmp";
var CG = "/sys/fs/cgroup (v2, or v1 memory/cpuacct/cpu/blkio)";
var Q = "/sys/block/*/queue/*";
var FREQ = "/sys/devices/system/cpu/cpufreq/policy*/*";
var PROC = "/proc/[pid]/stat";
var cpuRatios = [
  ["busy", "non-idle, non-iowait share of CPU time over the last tick (overall, or per {cpu})"],
  ["user", "user + nice share of CPU time (guest time included, as the kernel counts it)"],
  ["system", "kernel (system) share of CPU time"],
  ["iowait", "share of CPU time idle while I/O was outstanding"],
  ["irq", "hard + soft interrupt share of CPU time"],
  ["steal", "share of CPU time stolen by the hypervisor"]
].map(([k, help]) => [`cpu.${k}_ratio`, "ratio", STAT, "cpu?", help]);
var psi = ["cpu", "memory", "io"].flatMap(
  (r) => ["some", "full"].flatMap((k) => [
    ...["avg10", "avg60", "avg300"].map((w) => [
      `psi.${r}.${k}_${w}`,
      "percent",
      `/proc/pressure/${r}`,
      "",
      `share of time ${k === "some" ? "at least one task" : "all non-idle tasks"} stalled on ${r}, ${w.slice(3)} s average`
    ]),
    [`psi.${r}.${k}_stall_seconds_total`, "total", `/proc/pressure/${r}`, "", `total time ${k === "some" ? "some" : "all"} tasks stalled on ${r}`],
    [`psi.${r}.${k}_stall_ratio`, "ratio", `/proc/pressure/${r}`, "", `share of the last tick with ${k === "some" ? "some" : "all"} tasks stalled on ${r}`]
  ])
);
var rows = [
  ...cpuRatios,
  ["cpu.online_count", "count", STAT, "", "CPUs online (per-CPU lines in /proc/stat)"],
  ["cpu.procs_running_count", "count", STAT, "", "runnable tasks"],
  ["cpu.procs_blocked_count", "count", STAT, "", "tasks blocked on I/O"],
  ["cpu.context_switches_total", "total", STAT, "", "context switches since boot"],
  ["cpu.context_switches_per_second", "per_second", STAT, "", "context switches per second"],
  ["cpu.interrupts_per_second", "per_second", STAT, "", "interrupts serviced per second"],
  ["cpu.forks_per_second", "per_second", STAT, "", "processes and threads created per second"],
  ["mem.total_bytes", "bytes", MEM, "", "usable RAM"],
  ["mem.free_bytes", "bytes", MEM, "", "unused RAM"],
  ["mem.available_bytes", "bytes", MEM, "", "RAM available for new work without swapping (MemAvailable; estimated before 3.14)"],
  ["mem.buffers_bytes", "bytes", MEM, "", "block device buffers"],
  ["mem.cached_bytes", "bytes", MEM, "", "page cache"],
  ["mem.swap_total_bytes", "bytes", MEM, "", "swap space"],
  ["mem.swap_free_bytes", "bytes", MEM, "", "unused swap space"],
  ["mem.dirty_bytes", "bytes", MEM, "", "memory waiting to be written back"],
  ["mem.writeback_bytes", "bytes", MEM, "", "memory being written back"],
  ["mem.anon_bytes", "bytes", MEM, "", "anonymous pages mapped into user space"],
  ["mem.shmem_bytes", "bytes", MEM, "", "shared memory and tmpfs"],
  ["mem.slab_reclaimable_bytes", "bytes", MEM, "", "reclaimable kernel slab"],
  ["mem.slab_unreclaimable_bytes", "bytes", MEM, "", "unreclaimable kernel slab"],
  ["mem.committed_bytes", "bytes", MEM, "", "memory committed to allocations (Committed_AS)"],
  ["mem.used_ratio", "ratio", MEM, "", "1 - MemAvailable / MemTotal"],
  ["swap.used_ratio", "ratio", MEM, "", "share of swap in use (absent without swap)"],
  ["vm.page_in_bytes_per_second", "bytes_per_second", VM, "", "bytes paged in from block devices (pgpgin)"],
  ["vm.page_out_bytes_per_second", "bytes_per_second", VM, "", "bytes paged out to block devices (pgpgout)"],
  ["vm.swap_in_pages_per_second", "per_second", VM, "", "pages swapped in (pswpin)"],
  ["vm.swap_out_pages_per_second", "per_second", VM, "", "pages swapped out (pswpout)"],
  ["vm.page_faults_per_second", "per_second", VM, "", "page faults (pgfault)"],
  ["vm.major_faults_per_second", "per_second", VM, "", "major page faults needing I/O (pgmajfault)"],
  ["vm.pages_scanned_per_second", "per_second", VM, "", "pages scanned by reclaim (kswapd + direct + khugepaged)"],
  ["vm.direct_reclaim_pages_scanned_per_second", "per_second", VM, "", "pages scanned by direct reclaim (allocation latency)"],
  ["vm.pages_reclaimed_per_second", "per_second", VM, "", "pages reclaimed (pgsteal)"],
  ["vm.alloc_stalls_per_second", "per_second", VM, "", "allocations that stalled in direct reclaim (allocstall)"],
  ["vm.workingset_refaults_per_second", "per_second", VM, "", "refaults of recently evicted pages (thrashing signal)"],
  ["vm.oom_kills_per_second", "per_second", VM, "", "OOM kills per second (kernel >= 4.13)"],
  ["vm.oom_kills_total", "total", VM, "", "OOM kills since boot (kernel >= 4.13)"],
  ["load.avg1", "load", "/proc/loadavg", "", "1-minute load average"],
  ["load.avg5", "load", "/proc/loadavg", "", "5-minute load average"],
  ["load.avg15", "load", "/proc/loadavg", "", "15-minute load average"],
  ["load.runnable_count", "count", "/proc/loadavg", "", "runnable scheduling entities"],
  ["load.threads_count", "count", "/proc/loadavg", "", "existing scheduling entities"],
  ...psi,
  ["disk.reads_per_second", "per_second", DISK, "device", "completed reads per second"],
  ["disk.writes_per_second", "per_second", DISK, "device", "completed writes per second"],
  ["disk.read_bytes_per_second", "bytes_per_second", DISK, "device", "bytes read per second"],
  ["disk.write_bytes_per_second", "bytes_per_second", DISK, "device", "bytes written per second"],
  ["disk.discard_bytes_per_second", "bytes_per_second", DISK, "device", "bytes discarded per second (kernel >= 4.18)"],
  ["disk.read_await_seconds", "seconds", DISK, "device", "mean time per completed read over the last tick"],
  ["disk.write_await_seconds", "seconds", DISK, "device", "mean time per completed write over the last tick"],
  ["disk.utilization_ratio", "ratio", DISK, "device", "share of the last tick with I/O in flight"],
  ["disk.queue_length", "count", DISK, "device", "mean number of requests in flight over the last tick"],
  ["disk.in_flight_count", "count", DISK, "device", "requests in flight now"],
  ["disk.reads_total", "total", DISK, "device", "completed reads since boot"],
  ["disk.writes_total", "total", DISK, "device", "completed writes since boot"],
  ["disk.read_bytes_total", "total", DISK, "device", "bytes read since boot"],
  ["disk.write_bytes_total", "total", DISK, "device", "bytes written since boot"],
  ["net.rx_bytes_per_second", "bytes_per_second", NETDEV, "interface", "bytes received per second"],
  ["net.tx_bytes_per_second", "bytes_per_second", NETDEV, "interface", "bytes sent per second"],
  ["net.rx_packets_per_second", "per_second", NETDEV, "interface", "packets received per second"],
  ["net.tx_packets_per_second", "per_second", NETDEV, "interface", "packets sent per second"],
  ["net.rx_errors_per_second", "per_second", NETDEV, "interface", "receive errors per second"],
  ["net.tx_errors_per_second", "per_second", NETDEV, "interface", "transmit errors per second"],
  ["net.rx_drops_per_second", "per_second", NETDEV, "interface", "received packets dropped per second"],
  ["net.tx_drops_per_second", "per_second", NETDEV, "interface", "transmitted packets dropped per second"],
  ["net.rx_bytes_total", "total", NETDEV, "interface", "bytes received since the interface came up"],
  ["net.tx_bytes_total", "total", NETDEV, "interface", "bytes sent since the interface came up"],
  ["net.tcp.retransmits_per_second", "per_second", SNMP, "", "TCP segments retransmitted per second"],
  ["net.tcp.retransmits_total", "total", SNMP, "", "TCP segments retransmitted since boot"],
  ["net.tcp.retransmit_ratio", "ratio", SNMP, "", "retransmitted / sent TCP segments over the last tick"],
  ["net.tcp.out_segments_per_second", "per_second", SNMP, "", "TCP segments sent per second"],
  ["net.tcp.in_errors_per_second", "per_second", SNMP, "", "TCP segments received in error per second"],
  ["net.tcp.active_opens_per_second", "per_second", SNMP, "", "outgoing TCP connections per second"],
  ["net.tcp.passive_opens_per_second", "per_second", SNMP, "", "accepted TCP connections per second"],
  ["net.tcp.resets_sent_per_second", "per_second", SNMP, "", "TCP resets sent per second"],
  ["net.tcp.attempt_fails_per_second", "per_second", SNMP, "", "failed TCP connection attempts per second"],
  ["net.tcp.established_count", "count", SNMP, "", "TCP connections in ESTABLISHED or CLOSE-WAIT"],
  ["net.udp.in_errors_per_second", "per_second", SNMP, "", "UDP receive errors per second"],
  ["net.udp.rcvbuf_errors_per_second", "per_second", SNMP, "", "UDP datagrams dropped for a full receive buffer per second"],
  ["net.udp.no_ports_per_second", "per_second", SNMP, "", "UDP datagrams to closed ports per second"],
  ["net.ip.in_discards_per_second", "per_second", SNMP, "", "IP datagrams discarded on input per second"],
  ["cgroup.cpu_usage_cores", "cores", CG, "cgroup", "CPUs kept busy by the cgroup over the last tick"],
  ["cgroup.cpu_usage_seconds_total", "total", CG, "cgroup", "CPU time consumed by the cgroup"],
  ["cgroup.cpu_throttled_ratio", "ratio", CG, "cgroup", "share of CFS periods in which the cgroup was throttled"],
  ["cgroup.memory_current_bytes", "bytes", CG, "cgroup", "memory charged to the cgroup"],
  ["cgroup.memory_max_bytes", "bytes", CG, "cgroup", "memory limit of the cgroup (absent when unlimited)"],
  ["cgroup.memory_anon_bytes", "bytes", CG, "cgroup", "anonymous memory of the cgroup (v1: rss)"],
  ["cgroup.memory_file_bytes", "bytes", CG, "cgroup", "page cache of the cgroup (v1: cache)"],
  ["cgroup.memory_oom_kills_total", "total", CG, "cgroup", "OOM kills inside the cgroup"],
  ["cgroup.io_read_bytes_per_second", "bytes_per_second", CG, "cgroup", "bytes read by the cgroup per second"],
  ["cgroup.io_write_bytes_per_second", "bytes_per_second", CG, "cgroup", "bytes written by the cgroup per second"],
  ["cgroup.cpu_pressure.some_avg10", "percent", CG, "cgroup", "cgroup CPU pressure (some, 10 s)"],
  ["cgroup.cpu_pressure.full_avg10", "percent", CG, "cgroup", "cgroup CPU pressure (full, 10 s)"],
  ["cgroup.memory_pressure.some_avg10", "percent", CG, "cgroup", "cgroup memory pressure (some, 10 s)"],
  ["cgroup.memory_pressure.full_avg10", "percent", CG, "cgroup", "cgroup memory pressure (full, 10 s)"],
  ["cgroup.io_pressure.some_avg10", "percent", CG, "cgroup", "cgroup I/O pressure (some, 10 s)"],
  ["cgroup.io_pressure.full_avg10", "percent", CG, "cgroup", "cgroup I/O pressure (full, 10 s)"],
  ["block.queue.scheduler_info", "info", Q, "device,scheduler", "active I/O scheduler (value 1; the scheduler is a label)"],
  ["block.queue.nr_requests_count", "count", Q, "device", "request queue depth (nr_requests)"],
  ["block.queue.read_ahead_bytes", "bytes", Q, "device", "read-ahead window"],
  ["block.queue.max_request_bytes", "bytes", Q, "device", "largest request the block layer issues (max_sectors_kb)"],
  ["block.queue.rotational", "count", Q, "device", "1 for rotating media, 0 for SSDs"],
  ["block.queue.nomerges", "count", Q, "device", "request merging: 0 on, 1 simple only, 2 off"],
  ["block.queue.wbt_latency_seconds", "seconds", Q, "device", "writeback throttling target latency (0 = off)"],
  ["cpufreq.current_hertz", "hertz", FREQ, "policy", "current frequency of the policy CPUs"],
  ["cpufreq.min_hertz", "hertz", FREQ, "policy", "lowest frequency the governor may pick"],
  ["cpufreq.max_hertz", "hertz", FREQ, "policy", "highest frequency the governor may pick"],
  ["cpufreq.hardware_max_hertz", "hertz", FREQ, "policy", "highest frequency the hardware supports"],
  ["cpufreq.governor_info", "info", FREQ, "policy,governor", "active cpufreq governor (value 1; the governor is a label)"],
  ["process.count", "count", PROC, "", "processes (thread group leaders)"],
  ["process.cpu_cores", "cores", PROC, "pid,comm", "CPUs kept busy by the process over the last interval (top N)"],
  ["process.rss_bytes", "bytes", PROC, "pid,comm", "resident memory of the process (top N)"],
  ["process.threads_count", "count", PROC, "pid,comm", "threads of the process (top N)"],
  ["process.major_faults_per_second", "per_second", PROC, "pid,comm", "major page faults of the process per second (top N)"]
];
var metricCatalogue = Object.freeze(
  rows.map(
    ([name2, unit, source, labels, help]) => Object.freeze({
      name: name2,
      unit,
      kind: unit === "total" ? "counter" : "gauge",
      source,
      labels: Object.freeze(labels === "" ? [] : labels.replace("?", "").split(",")),
      help
    })
  )
);
var byName = new Map(metricCatalogue.map((d2) => [d2.name, d2]));
function getMetricDefinition(name2) {
  return byName.get(name2);
}

// ../../packages/telemetry/src/kernelFile.ts
import { closeSync, openSync, readdirSync, readSync } from "fs";
import { join } from "path";
import { performance } from "perf_hooks";
var hints = {
  "proc/pressure": "the kernel lacks CONFIG_PSI or was booted with psi=0; boot with psi=1 to enable pressure stall information",
  "sys/fs/cgroup": "no cgroup hierarchy is mounted there; mount cgroup2 on /sys/fs/cgroup",
  "sys/devices/system/cpu/cpufreq": "no cpufreq driver is loaded (common in virtual machines); load one (e.g. intel_pstate, acpi-cpufreq) to get frequencies"
};
function hintFor(rel) {
  for (const [prefix, hint] of Object.entries(hints)) if (rel.startsWith(prefix)) return hint;
  return "the kernel does not provide this file; check the kernel version and configuration";
}
function fsError(err, abs, rel) {
  const code = err?.code;
  if (code === "ENOENT" || code === "ENOTDIR") {
    return new TelemetryError("ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE", `${abs} does not exist: ${hintFor(rel)}.`, {
      cause: err,
      errno: code,
      syscall: "open",
      path: abs
    });
  }
  if (code === "EACCES" || code === "EPERM") {
    return new TelemetryError(
      "ERR_AINKA_TELEMETRY_PERMISSION_DENIED",
      `${abs} is not readable by this user: ${rel === "dev/kmsg" ? "run as root, grant CAP_SYSLOG, or set kernel.dmesg_restrict=0" : rel.startsWith("proc/") && /^proc\/\d+\//.test(rel) ? "run as root or grant CAP_SYS_PTRACE to read other users' processes" : "run as root or grant read access to the file"}.`,
      { cause: err, errno: code, syscall: "open", path: abs }
    );
  }
  return new TelemetryError("ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE", `reading ${abs} failed (${code ?? String(err)}); check that the file is a kernel file.`, {
    cause: err,
    ...code === void 0 ? {} : { errno: code },
    path: abs
  });
}
var KernelFiles = class _KernelFiles {
  /** The root every relative path is resolved against. */
  root;
  keepOpen;
  maxOpen;
  negativeCacheMs;
  fds = /* @__PURE__ */ new Map();
  missing = /* @__PURE__ */ new Map();
  static buf = Buffer.allocUnsafe(64 * 1024);
  /**
   * @param root - the root of the file tree (default `/`).
   * @param options - `keepOpen`: keep files open between reads and re-read them with `pread(fd, 0)`, as
   *   `top` does (procfs and sysfs regenerate the content on every read at offset 0; the open/close
   *   system calls are saved); at most `maxOpen` descriptors (default 128), call
   *   {@link KernelFiles.close} to release them. `negativeCacheMs`: remember for this long that a file
   *   does not exist, so `tryRead` does not retry it on every tick (default 0).
   */
  constructor(root = "/", options = {}) {
    this.root = root;
    this.keepOpen = options.keepOpen ?? false;
    this.maxOpen = options.maxOpen ?? 128;
    this.negativeCacheMs = options.negativeCacheMs ?? 0;
  }
  readOpen(rel) {
    let fd = this.fds.get(rel);
    if (fd === void 0) {
      const abs = join(this.root, rel);
      if (this.fds.size >= this.maxOpen) return this.readOnce(rel);
      try {
        fd = openSync(abs, "r");
      } catch (err) {
        throw fsError(err, abs, rel);
      }
      this.fds.set(rel, fd);
    }
    try {
      return _KernelFiles.readFd(fd);
    } catch (err) {
      closeSync(fd);
      this.fds.delete(rel);
      throw fsError(err, join(this.root, rel), rel);
    }
  }
  /** Closes the descriptors kept open by a `keepOpen` instance. */
  close() {
    for (const fd of this.fds.values()) {
      try {
        closeSync(fd);
      } catch {
      }
    }
    this.fds.clear();
  }
  /** Absolute path of `rel` (e.g. `proc/stat`) under the root. */
  path(rel) {
    return join(this.root, rel);
  }
  /** Reads a file as text; throws a {@link TelemetryError} naming the fix when it is missing or unreadable. */
  read(rel) {
    return this.keepOpen ? this.readOpen(rel) : this.readOnce(rel);
  }
  readOnce(rel) {
    const abs = join(this.root, rel);
    let fd;
    try {
      fd = openSync(abs, "r");
    } catch (err) {
      throw fsError(err, abs, rel);
    }
    try {
      return _KernelFiles.readFd(fd);
    } catch (err) {
      throw fsError(err, abs, rel);
    } finally {
      closeSync(fd);
    }
  }
  /**
   * Reads a whole kernel file from an open descriptor with one `pread` at offset 0 into a shared
   * buffer (3x cheaper than `readFileSync`, which stats and reads in chunks).
   */
  static readFd(fd) {
    for (; ; ) {
      const buf = _KernelFiles.buf;
      const n = readSync(fd, buf, 0, buf.length, 0);
      if (n < buf.length) return buf.toString("latin1", 0, n);
      _KernelFiles.buf = Buffer.allocUnsafe(buf.length * 2);
    }
  }
  /** Reads a file, or returns `undefined` when it does not exist or is unreadable. */
  tryRead(rel) {
    if (this.negativeCacheMs > 0) {
      const until = this.missing.get(rel);
      if (until !== void 0) {
        if (performance.now() < until) return void 0;
        this.missing.delete(rel);
      }
    }
    try {
      return this.read(rel);
    } catch (err) {
      if (this.negativeCacheMs > 0 && err.errno === "ENOENT") this.missing.set(rel, performance.now() + this.negativeCacheMs);
      return void 0;
    }
  }
  /** Lists a directory; throws a {@link TelemetryError} when it is missing or unreadable. */
  list(rel) {
    const abs = join(this.root, rel);
    try {
      return readdirSync(abs);
    } catch (err) {
      throw fsError(err, abs, rel);
    }
  }
  /** Lists a directory, or returns `[]` when it does not exist or is unreadable. */
  tryList(rel) {
    try {
      return readdirSync(join(this.root, rel));
    } catch {
      return [];
    }
  }
  /** Lists the subdirectories of a directory (`[]` when missing). */
  subdirs(rel) {
    try {
      return readdirSync(join(this.root, rel), { withFileTypes: true }).filter((d2) => d2.isDirectory()).map((d2) => d2.name);
    } catch {
      return [];
    }
  }
};

// ../../packages/telemetry/src/counters.ts
var TWO_32 = 4294967296;
var TWO_64 = 18446744073709552e3;
function counterDelta(previous, current, bits) {
  if (current >= previous) return current - previous;
  const width = bits ?? (previous < TWO_32 ? 32 : 64);
  const range = width === 32 ? TWO_32 : TWO_64;
  const wrapped = range - previous + current;
  return wrapped > range / 2 ? current : wrapped;
}
function counterRate(previous, current, dtMs, bits) {
  if (!(dtMs > 0)) return 0;
  return counterDelta(previous, current, bits) * 1e3 / dtMs;
}

// ../../packages/telemetry/src/MetricsCollector.ts
import { performance as performance2 } from "perf_hooks";
import { exhaustMap, from, Subject, timer } from "rxjs";
function describe(err) {
  if (err instanceof TelemetryError) return { reason: err.message, code: err.code };
  const e = err;
  return { reason: String(e?.message ?? err), code: typeof e?.code === "string" ? e.code : "ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE" };
}
var MetricsCollector = class {
  /** Tick interval in milliseconds. */
  intervalMs;
  entries = [];
  out = new Subject();
  nowFn;
  monoFn;
  pushed = [];
  tickSub;
  /** One batch per tick. */
  batches$ = this.out.asObservable();
  constructor(options) {
    const interval = options.intervalMs ?? 1e3;
    if (!(interval >= 10)) {
      throw new TelemetryError("ERR_AINKA_TELEMETRY_INVALID_OPTION", `intervalMs ${interval} is too small: use at least 10 ms (default 1000).`);
    }
    this.intervalMs = interval;
    this.nowFn = options.now ?? Date.now;
    this.monoFn = options.monotonic ?? (() => performance2.now());
    for (const s of options.sources) this.addSource(s);
  }
  /** Adds a source (e.g. an eBPF stream) while running or not. Ids must be unique. */
  addSource(source) {
    if (this.entries.some((e) => e.source.id === source.id)) {
      throw new TelemetryError("ERR_AINKA_TELEMETRY_INVALID_OPTION", `a source with id "${source.id}" is already registered: give each source a unique id.`);
    }
    const entry = { source, lastRunMs: Number.NEGATIVE_INFINITY, status: { id: source.id, available: true } };
    this.entries.push(entry);
    if (this.tickSub !== void 0) this.subscribePush(entry);
  }
  /** Removes a source and closes it. Returns false when no source has this id. */
  removeSource(id) {
    const i = this.entries.findIndex((e2) => e2.source.id === id);
    if (i < 0) return false;
    const [e] = this.entries.splice(i, 1);
    e?.pushSub?.unsubscribe();
    e?.source.close?.();
    return true;
  }
  /** The availability of every source, with the reason and fix for those that failed. */
  status() {
    return this.entries.map((e) => e.status);
  }
  subscribePush(entry) {
    const s$ = entry.source.samples$;
    if (s$ === void 0 || entry.pushSub !== void 0) return;
    entry.pushSub = s$.subscribe({
      next: (s) => {
        this.pushed.push(s);
      },
      error: (err) => {
        entry.status = { id: entry.source.id, available: false, ...describe(err) };
        entry.pushSub = void 0;
      }
    });
  }
  /**
   * Runs one tick now: every due pull source, plus the pushed samples gathered since the last tick.
   * Also emits the batch on {@link MetricsCollector.batches$}.
   */
  async collectOnce() {
    const ctx = { now: this.nowFn(), monotonicMs: this.monoFn() };
    const start = performance2.now();
    const samples = this.pushed;
    this.pushed = [];
    for (const e of this.entries) {
      const collect = e.source.collect;
      if (collect === void 0) continue;
      const min = e.source.minIntervalMs ?? 0;
      if (min > 0 && ctx.monotonicMs - e.lastRunMs < min) continue;
      e.lastRunMs = ctx.monotonicMs;
      try {
        let r = collect.call(e.source, ctx);
        if (!Array.isArray(r)) r = await r;
        for (const s of r) samples.push(s);
        e.status = { id: e.source.id, available: true, lastSampleCount: r.length };
      } catch (err) {
        e.status = { id: e.source.id, available: false, ...describe(err) };
      }
    }
    const batch = { timestamp: ctx.now, samples, durationMs: performance2.now() - start };
    this.out.next(batch);
    return batch;
  }
  /** Starts ticking (first tick immediately). Idempotent. */
  start() {
    if (this.tickSub !== void 0) return;
    for (const e of this.entries) this.subscribePush(e);
    this.tickSub = timer(0, this.intervalMs).pipe(exhaustMap(() => from(this.collectOnce()))).subscribe();
  }
  /** Stops ticking and unsubscribes from push sources. Idempotent; sources stay registered. */
  stop() {
    this.tickSub?.unsubscribe();
    this.tickSub = void 0;
    for (const e of this.entries) {
      e.pushSub?.unsubscribe();
      e.pushSub = void 0;
    }
  }
  /** True between `start()` and `stop()`. */
  get running() {
    return this.tickSub !== void 0;
  }
  /** Stops, closes every source and completes `batches$`. */
  close() {
    this.stop();
    for (const e of this.entries) e.source.close?.();
    this.out.complete();
  }
};

// ../../packages/telemetry/src/procPressure.ts
function parsePressure(text2, file = "/proc/pressure") {
  let some;
  let full;
  const lines = text2.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") continue;
    const m = /^(some|full) avg10=(\d+\.\d+) avg60=(\d+\.\d+) avg300=(\d+\.\d+) total=(\d+)\s*$/.exec(line);
    if (m === null) throw malformed(file, i + 1, line, '"some|full avg10=\u2026 avg60=\u2026 avg300=\u2026 total=\u2026"');
    const p = { avg10: Number(m[2]), avg60: Number(m[3]), avg300: Number(m[4]), totalUs: Number(m[5]) };
    if (m[1] === "some") some = p;
    else full = p;
  }
  if (some === void 0) throw malformed(file, 1, lines[0] ?? "", 'a "some" line');
  return full === void 0 ? { some } : { some, full };
}
function pressureSamples(prefix, cur, prev, dtMs, now, labels, out, sep = ".") {
  const kinds = [
    ["some", cur.some, prev?.some],
    ["full", cur.full, prev?.full]
  ];
  for (const [kind, line, before] of kinds) {
    if (line === void 0) continue;
    const base = `${prefix}${sep}${kind}`;
    const put = (name2, unit, value) => {
      out.push(labels === void 0 ? { name: name2, unit, value, timestamp: now } : { name: name2, unit, value, labels, timestamp: now });
    };
    put(`${base}_avg10`, "percent", line.avg10);
    put(`${base}_avg60`, "percent", line.avg60);
    put(`${base}_avg300`, "percent", line.avg300);
    put(`${base}_stall_seconds_total`, "total", line.totalUs / 1e6);
    if (before !== void 0 && dtMs > 0) {
      put(`${base}_stall_ratio`, "ratio", Math.min(1, counterDelta(before.totalUs, line.totalUs, 64) / 1e3 / dtMs));
    }
  }
}
var resources = ["cpu", "memory", "io"];
var PressureSource = class {
  id = "proc.pressure";
  files;
  prev = /* @__PURE__ */ new Map();
  prevMs = 0;
  constructor(options = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
  }
  /** Closes the kernel files kept open between ticks. */
  close() {
    this.files.close();
  }
  collect(ctx) {
    const out = [];
    const dt = ctx.monotonicMs - this.prevMs;
    let firstError;
    const next = /* @__PURE__ */ new Map();
    for (const r of resources) {
      const rel = `proc/pressure/${r}`;
      let cur;
      try {
        cur = parsePressure(this.files.read(rel), this.files.path(rel));
      } catch (err) {
        if (err instanceof TelemetryError && err.code !== "ERR_AINKA_TELEMETRY_MALFORMED_INPUT") {
          firstError ??= err;
          continue;
        }
        throw err;
      }
      next.set(r, cur);
      pressureSamples(`psi.${r}`, cur, this.prev.get(r), dt, ctx.now, void 0, out);
    }
    this.prev = next;
    this.prevMs = ctx.monotonicMs;
    if (out.length === 0 && firstError !== void 0) throw firstError;
    return out;
  }
};

// ../../packages/telemetry/src/cgroupStats.ts
function parseFlatKeyed(text2, file) {
  const out = /* @__PURE__ */ new Map();
  const lines = text2.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") continue;
    const sp = line.indexOf(" ");
    const v = Number(line.slice(sp + 1));
    if (sp <= 0 || !Number.isFinite(v)) throw malformed(file, i + 1, line, '"<key> <number>"');
    out.set(line.slice(0, sp), v);
  }
  return out;
}
function parseIoStat(text2, file) {
  const out = /* @__PURE__ */ new Map();
  const lines = text2.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    const parts = line.trim().split(/\s+/);
    const dev = parts[0];
    if (!/^\d+:\d+$/.test(dev)) throw malformed(file, i + 1, line, '"<major>:<minor> key=value \u2026"');
    const m = /* @__PURE__ */ new Map();
    for (const kv of parts.slice(1)) {
      const eq = kv.indexOf("=");
      const v = Number(kv.slice(eq + 1));
      if (eq <= 0 || !Number.isFinite(v)) throw malformed(file, i + 1, line, "key=value pairs");
      m.set(kv.slice(0, eq), v);
    }
    out.set(dev, m);
  }
  return out;
}
function parseBlkioServiceBytes(text2, file) {
  let read = 0;
  let write = 0;
  const lines = text2.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === "" || line.startsWith("Total")) continue;
    const m = /^\d+:\d+ (Read|Write|Sync|Async|Discard|Total) (\d+)$/.exec(line);
    if (m === null) throw malformed(file, i + 1, line, '"<major>:<minor> <Read|Write|\u2026> <bytes>"');
    if (m[1] === "Read") read += Number(m[2]);
    else if (m[1] === "Write") write += Number(m[2]);
  }
  return { read, write };
}
function detectCgroupMode(root = "/") {
  const f = new KernelFiles(root);
  if (f.tryRead("sys/fs/cgroup/cgroup.controllers") !== void 0) return "v2";
  const v1 = ["memory", "cpuacct", "cpu,cpuacct", "blkio"].some((c) => f.tryList(`sys/fs/cgroup/${c}`).length > 0);
  if (!v1) return "none";
  return f.tryRead("sys/fs/cgroup/unified/cgroup.controllers") !== void 0 ? "hybrid" : "v1";
}
var UNLIMITED_V1 = 2 ** 62;
var CgroupSource = class {
  id = "cgroup";
  /** The cgroup layout in use. */
  mode;
  files;
  maxDepth;
  maxCgroups;
  prev = /* @__PURE__ */ new Map();
  prevMs = 0;
  cgroups;
  walkedAt = 0;
  v1Dirs = {};
  constructor(options = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true, negativeCacheMs: 1e4, maxOpen: 256 });
    this.maxDepth = options.maxDepth ?? 2;
    this.maxCgroups = options.maxCgroups ?? 64;
    this.mode = options.mode ?? detectCgroupMode(options.root);
    if (this.mode === "v1" || this.mode === "hybrid") {
      const find = (names) => names.map((n) => `sys/fs/cgroup/${n}`).find((d2) => this.files.tryList(d2).length > 0);
      const cpuacct = find(["cpuacct", "cpu,cpuacct", "cpuacct,cpu"]);
      const cpu = find(["cpu", "cpu,cpuacct", "cpuacct,cpu"]);
      const memory = find(["memory"]);
      const blkio = find(["blkio"]);
      if (cpuacct !== void 0) this.v1Dirs.cpuacct = cpuacct;
      if (cpu !== void 0) this.v1Dirs.cpu = cpu;
      if (memory !== void 0) this.v1Dirs.memory = memory;
      if (blkio !== void 0) this.v1Dirs.blkio = blkio;
    }
  }
  /** Cgroup paths ('/' first) breadth-first below `base`, bounded by depth and count. */
  walk(base) {
    const out = ["/"];
    let frontier = ["/"];
    for (let depth = 1; depth <= this.maxDepth && frontier.length > 0; depth++) {
      const next = [];
      for (const cg of frontier) {
        for (const d2 of this.files.subdirs(`${base}${cg === "/" ? "" : cg}`)) {
          if (out.length >= this.maxCgroups) return out;
          const p = `${cg === "/" ? "" : cg}/${d2}`;
          out.push(p);
          next.push(p);
        }
      }
      frontier = next;
    }
    return out;
  }
  /** Closes the kernel files kept open between ticks. */
  close() {
    this.files.close();
  }
  collect(ctx) {
    if (this.mode === "none") {
      throw new TelemetryError(
        "ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE",
        `no cgroup hierarchy under ${this.files.path("sys/fs/cgroup")}: mount cgroup2 there (mount -t cgroup2 none /sys/fs/cgroup).`,
        { path: this.files.path("sys/fs/cgroup") }
      );
    }
    const out = [];
    const dt = ctx.monotonicMs - this.prevMs;
    const next = /* @__PURE__ */ new Map();
    if (this.cgroups === void 0 || ctx.monotonicMs - this.walkedAt >= 1e4 || ctx.monotonicMs < this.walkedAt) {
      const base = this.mode === "v2" ? "sys/fs/cgroup" : this.v1Dirs.memory ?? this.v1Dirs.cpuacct ?? this.v1Dirs.blkio;
      this.cgroups = base === void 0 ? ["/"] : this.walk(base);
      this.walkedAt = ctx.monotonicMs;
    }
    for (const cg of this.cgroups) next.set(cg, this.mode === "v2" ? this.collectV2(cg, ctx, dt, out) : this.collectV1(cg, ctx, dt, out));
    this.prev = next;
    this.prevMs = ctx.monotonicMs;
    return out;
  }
  emitter(cg, now, out) {
    const labels = { cgroup: cg };
    return (name2, unit, value) => {
      out.push({ name: name2, unit, value, labels, timestamp: now });
    };
  }
  rates(cg, cur, dt, put) {
    const p = this.prev.get(cg);
    if (cur.cpuUsageSeconds !== void 0) put("cgroup.cpu_usage_seconds_total", "total", cur.cpuUsageSeconds);
    if (p === void 0 || !(dt > 0)) return;
    if (p.cpuUsageSeconds !== void 0 && cur.cpuUsageSeconds !== void 0) {
      put("cgroup.cpu_usage_cores", "cores", Math.max(0, cur.cpuUsageSeconds - p.cpuUsageSeconds) / (dt / 1e3));
    }
    if (p.periods !== void 0 && cur.periods !== void 0 && p.throttled !== void 0 && cur.throttled !== void 0) {
      const periods = counterDelta(p.periods, cur.periods);
      put("cgroup.cpu_throttled_ratio", "ratio", periods > 0 ? Math.min(1, counterDelta(p.throttled, cur.throttled) / periods) : 0);
    }
    if (p.ioRead !== void 0 && cur.ioRead !== void 0) put("cgroup.io_read_bytes_per_second", "bytes_per_second", counterRate(p.ioRead, cur.ioRead, dt));
    if (p.ioWrite !== void 0 && cur.ioWrite !== void 0) put("cgroup.io_write_bytes_per_second", "bytes_per_second", counterRate(p.ioWrite, cur.ioWrite, dt));
  }
  collectV2(cg, ctx, dt, out) {
    const dir = `sys/fs/cgroup${cg === "/" ? "" : cg}`;
    const put = this.emitter(cg, ctx.now, out);
    const cur = {};
    const read = (f) => this.files.tryRead(`${dir}/${f}`);
    const cpu = read("cpu.stat");
    if (cpu !== void 0) {
      const m = parseFlatKeyed(cpu, this.files.path(`${dir}/cpu.stat`));
      const usage = m.get("usage_usec");
      if (usage !== void 0) cur.cpuUsageSeconds = usage / 1e6;
      const periods = m.get("nr_periods");
      const throttled = m.get("nr_throttled");
      if (periods !== void 0 && throttled !== void 0) {
        cur.periods = periods;
        cur.throttled = throttled;
      }
    }
    const current = read("memory.current");
    if (current !== void 0) put("cgroup.memory_current_bytes", "bytes", Number(current.trim()));
    const max = read("memory.max");
    if (max !== void 0 && max.trim() !== "max") put("cgroup.memory_max_bytes", "bytes", Number(max.trim()));
    const mstat = read("memory.stat");
    if (mstat !== void 0) {
      const m = parseFlatKeyed(mstat, this.files.path(`${dir}/memory.stat`));
      const anon = m.get("anon");
      const file = m.get("file");
      if (anon !== void 0) put("cgroup.memory_anon_bytes", "bytes", anon);
      if (file !== void 0) put("cgroup.memory_file_bytes", "bytes", file);
    }
    const events = read("memory.events");
    if (events !== void 0) {
      const oom = parseFlatKeyed(events, this.files.path(`${dir}/memory.events`)).get("oom_kill");
      if (oom !== void 0) put("cgroup.memory_oom_kills_total", "total", oom);
    }
    const io = read("io.stat");
    if (io !== void 0) {
      let r = 0;
      let w = 0;
      for (const m of parseIoStat(io, this.files.path(`${dir}/io.stat`)).values()) {
        r += m.get("rbytes") ?? 0;
        w += m.get("wbytes") ?? 0;
      }
      cur.ioRead = r;
      cur.ioWrite = w;
    }
    for (const res of ["cpu", "memory", "io"]) {
      const text2 = read(`${res}.pressure`);
      if (text2 === void 0) continue;
      const p = parsePressure(text2, this.files.path(`${dir}/${res}.pressure`));
      put(`cgroup.${res}_pressure.some_avg10`, "percent", p.some.avg10);
      if (p.full !== void 0) put(`cgroup.${res}_pressure.full_avg10`, "percent", p.full.avg10);
    }
    this.rates(cg, cur, dt, put);
    return cur;
  }
  collectV1(cg, ctx, dt, out) {
    const sub = cg === "/" ? "" : cg;
    const put = this.emitter(cg, ctx.now, out);
    const cur = {};
    const read = (dir, f) => dir === void 0 ? void 0 : this.files.tryRead(`${dir}${sub}/${f}`);
    const usage = read(this.v1Dirs.cpuacct, "cpuacct.usage");
    if (usage !== void 0) cur.cpuUsageSeconds = Number(usage.trim()) / 1e9;
    const cpu = read(this.v1Dirs.cpu, "cpu.stat");
    if (cpu !== void 0) {
      const m = parseFlatKeyed(cpu, `${this.v1Dirs.cpu ?? ""}${sub}/cpu.stat`);
      const periods = m.get("nr_periods");
      const throttled = m.get("nr_throttled");
      if (periods !== void 0 && throttled !== void 0) {
        cur.periods = periods;
        cur.throttled = throttled;
      }
    }
    const current = read(this.v1Dirs.memory, "memory.usage_in_bytes");
    if (current !== void 0) put("cgroup.memory_current_bytes", "bytes", Number(current.trim()));
    const limit = read(this.v1Dirs.memory, "memory.limit_in_bytes");
    if (limit !== void 0 && Number(limit.trim()) < UNLIMITED_V1) put("cgroup.memory_max_bytes", "bytes", Number(limit.trim()));
    const mstat = read(this.v1Dirs.memory, "memory.stat");
    if (mstat !== void 0) {
      const m = parseFlatKeyed(mstat, `${this.v1Dirs.memory ?? ""}${sub}/memory.stat`);
      const rss = m.get("rss");
      const cache = m.get("cache");
      if (rss !== void 0) put("cgroup.memory_anon_bytes", "bytes", rss);
      if (cache !== void 0) put("cgroup.memory_file_bytes", "bytes", cache);
    }
    const oomc = read(this.v1Dirs.memory, "memory.oom_control");
    if (oomc !== void 0) {
      const oom = parseFlatKeyed(oomc, `${this.v1Dirs.memory ?? ""}${sub}/memory.oom_control`).get("oom_kill");
      if (oom !== void 0) put("cgroup.memory_oom_kills_total", "total", oom);
    }
    const blk = read(this.v1Dirs.blkio, "blkio.throttle.io_service_bytes");
    if (blk !== void 0) {
      const b = parseBlkioServiceBytes(blk, `${this.v1Dirs.blkio ?? ""}${sub}/blkio.throttle.io_service_bytes`);
      cur.ioRead = b.read;
      cur.ioWrite = b.write;
    }
    this.rates(cg, cur, dt, put);
    return cur;
  }
};

// ../../packages/telemetry/src/procDiskstats.ts
function parseDiskstats(text2, file = "/proc/diskstats") {
  const out = [];
  const lines = text2.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const t = line.trim();
    if (t === "") continue;
    const p = t.split(/\s+/);
    if (p.length === 7) continue;
    if (p.length < 14) throw malformed(file, i + 1, line, '"<major> <minor> <name>" and at least 11 counters');
    const n = [];
    for (let j = 0; j < p.length; j++) {
      if (j === 2) {
        n.push(0);
        continue;
      }
      const v = Number(p[j]);
      if (!Number.isInteger(v) || v < 0) throw malformed(file, i + 1, line, "non-negative integer counters");
      n.push(v);
    }
    const at = (j) => n[j];
    const c = {
      major: at(0),
      minor: at(1),
      device: p[2],
      reads: at(3),
      readsMerged: at(4),
      sectorsRead: at(5),
      readMs: at(6),
      writes: at(7),
      writesMerged: at(8),
      sectorsWritten: at(9),
      writeMs: at(10),
      inFlight: at(11),
      ioMs: at(12),
      weightedIoMs: at(13),
      ...p.length >= 18 ? { discards: at(14), sectorsDiscarded: at(16), discardMs: at(17) } : {},
      ...p.length >= 20 ? { flushes: at(18), flushMs: at(19) } : {}
    };
    out.push(c);
  }
  return out;
}
function diskRates(prev, cur, dtMs) {
  const dr = counterDelta(prev.reads, cur.reads);
  const dw = counterDelta(prev.writes, cur.writes);
  const r = {
    readsPerSecond: dr * 1e3 / dtMs,
    writesPerSecond: dw * 1e3 / dtMs,
    readBytesPerSecond: counterRate(prev.sectorsRead, cur.sectorsRead, dtMs) * 512,
    writeBytesPerSecond: counterRate(prev.sectorsWritten, cur.sectorsWritten, dtMs) * 512,
    readAwaitSeconds: dr > 0 ? counterDelta(prev.readMs, cur.readMs, 32) / dr / 1e3 : 0,
    writeAwaitSeconds: dw > 0 ? counterDelta(prev.writeMs, cur.writeMs, 32) / dw / 1e3 : 0,
    utilisation: Math.min(1, counterDelta(prev.ioMs, cur.ioMs, 32) / dtMs),
    avgQueueLength: counterDelta(prev.weightedIoMs, cur.weightedIoMs, 32) / dtMs
  };
  if (prev.sectorsDiscarded !== void 0 && cur.sectorsDiscarded !== void 0) {
    return { ...r, discardBytesPerSecond: counterRate(prev.sectorsDiscarded, cur.sectorsDiscarded, dtMs) * 512 };
  }
  return r;
}
var DiskstatsSource = class {
  id = "proc.diskstats";
  files;
  include;
  prev = /* @__PURE__ */ new Map();
  prevMs = 0;
  wholeDisks;
  wholeDisksAt = Number.NEGATIVE_INFINITY;
  constructor(options = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
    this.include = options.includeDevice ?? ((dev, c) => this.defaultInclude(dev, c));
  }
  defaultInclude(dev, c) {
    if (/^(loop|ram)\d+$/.test(dev) && c.reads === 0 && c.writes === 0) return false;
    return this.wholeDisks === void 0 || this.wholeDisks.has(dev);
  }
  /** Closes the kernel files kept open between ticks. */
  close() {
    this.files.close();
  }
  collect(ctx) {
    if (ctx.monotonicMs - this.wholeDisksAt > 3e4) {
      const list = this.files.tryList("sys/block");
      this.wholeDisks = list.length > 0 ? new Set(list) : void 0;
      this.wholeDisksAt = ctx.monotonicMs;
    }
    const rows2 = parseDiskstats(this.files.read("proc/diskstats"), this.files.path("proc/diskstats"));
    const out = [];
    const dt = ctx.monotonicMs - this.prevMs;
    const next = /* @__PURE__ */ new Map();
    for (const c of rows2) {
      if (!this.include(c.device, c)) continue;
      next.set(c.device, c);
      const labels = { device: c.device };
      const put = (name2, unit, value) => {
        out.push({ name: name2, unit, value, labels, timestamp: ctx.now });
      };
      put("disk.in_flight_count", "count", c.inFlight);
      put("disk.read_bytes_total", "total", c.sectorsRead * 512);
      put("disk.write_bytes_total", "total", c.sectorsWritten * 512);
      put("disk.reads_total", "total", c.reads);
      put("disk.writes_total", "total", c.writes);
      const p = this.prev.get(c.device);
      if (p === void 0 || !(dt > 0)) continue;
      const r = diskRates(p, c, dt);
      put("disk.reads_per_second", "per_second", r.readsPerSecond);
      put("disk.writes_per_second", "per_second", r.writesPerSecond);
      put("disk.read_bytes_per_second", "bytes_per_second", r.readBytesPerSecond);
      put("disk.write_bytes_per_second", "bytes_per_second", r.writeBytesPerSecond);
      put("disk.read_await_seconds", "seconds", r.readAwaitSeconds);
      put("disk.write_await_seconds", "seconds", r.writeAwaitSeconds);
      put("disk.utilization_ratio", "ratio", r.utilisation);
      put("disk.queue_length", "count", r.avgQueueLength);
      if (r.discardBytesPerSecond !== void 0) put("disk.discard_bytes_per_second", "bytes_per_second", r.discardBytesPerSecond);
    }
    this.prev = next;
    this.prevMs = ctx.monotonicMs;
    return out;
  }
};

// ../../packages/telemetry/src/procLoadavg.ts
function parseLoadavg(text2, file = "/proc/loadavg") {
  const line = text2.split("\n")[0] ?? "";
  const m = /^(\d+\.\d+) (\d+\.\d+) (\d+\.\d+) (\d+)\/(\d+) (\d+)\s*$/.exec(line);
  if (m === null) throw malformed(file, 1, line, '"<avg1> <avg5> <avg15> <runnable>/<threads> <lastpid>"');
  return {
    avg1: Number(m[1]),
    avg5: Number(m[2]),
    avg15: Number(m[3]),
    runnable: Number(m[4]),
    threads: Number(m[5]),
    lastPid: Number(m[6])
  };
}
var LoadavgSource = class {
  id = "proc.loadavg";
  files;
  constructor(options = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
  }
  /** Closes the kernel files kept open between ticks. */
  close() {
    this.files.close();
  }
  collect(ctx) {
    const l = parseLoadavg(this.files.read("proc/loadavg"), this.files.path("proc/loadavg"));
    const t = ctx.now;
    return [
      { name: "load.avg1", unit: "load", value: l.avg1, timestamp: t },
      { name: "load.avg5", unit: "load", value: l.avg5, timestamp: t },
      { name: "load.avg15", unit: "load", value: l.avg15, timestamp: t },
      { name: "load.runnable_count", unit: "count", value: l.runnable, timestamp: t },
      { name: "load.threads_count", unit: "count", value: l.threads, timestamp: t }
    ];
  }
};

// ../../packages/telemetry/src/procMeminfo.ts
function parseMeminfo(text2, file = "/proc/meminfo") {
  const out = /* @__PURE__ */ new Map();
  const lines = text2.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") continue;
    const colon = line.indexOf(":");
    let rest = colon > 0 ? line.slice(colon + 1).trim() : "";
    const kb = rest.endsWith(" kB");
    if (kb) rest = rest.slice(0, -3).trimEnd();
    const v = Number(rest);
    if (colon <= 0 || rest === "" || !Number.isInteger(v) || v < 0) throw malformed(file, i + 1, line, '"Key:   <number> [kB]"');
    out.set(line.slice(0, colon), kb ? v * 1024 : v);
  }
  if (!out.has("MemTotal")) throw malformed(file, 1, lines[0] ?? "", "a MemTotal line");
  return out;
}
var fields = [
  ["MemTotal", "mem.total_bytes"],
  ["MemFree", "mem.free_bytes"],
  ["Buffers", "mem.buffers_bytes"],
  ["Cached", "mem.cached_bytes"],
  ["SwapTotal", "mem.swap_total_bytes"],
  ["SwapFree", "mem.swap_free_bytes"],
  ["Dirty", "mem.dirty_bytes"],
  ["Writeback", "mem.writeback_bytes"],
  ["AnonPages", "mem.anon_bytes"],
  ["Shmem", "mem.shmem_bytes"],
  ["SReclaimable", "mem.slab_reclaimable_bytes"],
  ["SUnreclaim", "mem.slab_unreclaimable_bytes"],
  ["Committed_AS", "mem.committed_bytes"]
];
var MeminfoSource = class {
  id = "proc.meminfo";
  files;
  constructor(options = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
  }
  /** Closes the kernel files kept open between ticks. */
  close() {
    this.files.close();
  }
  collect(ctx) {
    const m = parseMeminfo(this.files.read("proc/meminfo"), this.files.path("proc/meminfo"));
    const out = [];
    const push = (name2, unit, value) => {
      out.push({ name: name2, unit, value, timestamp: ctx.now });
    };
    for (const [field, name2] of fields) {
      const v = m.get(field);
      if (v !== void 0) push(name2, "bytes", v);
    }
    const total = m.get("MemTotal") ?? 0;
    const available = m.get("MemAvailable") ?? (m.get("MemFree") ?? 0) + (m.get("Buffers") ?? 0) + (m.get("Cached") ?? 0);
    push("mem.available_bytes", "bytes", available);
    if (total > 0) push("mem.used_ratio", "ratio", Math.min(1, Math.max(0, 1 - available / total)));
    const st = m.get("SwapTotal");
    const sf = m.get("SwapFree");
    if (st !== void 0 && sf !== void 0 && st > 0) push("swap.used_ratio", "ratio", (st - sf) / st);
    return out;
  }
};

// ../../packages/telemetry/src/procNet.ts
function parseNetDev(text2, file = "/proc/net/dev") {
  const out = [];
  const lines = text2.split("\n");
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    const colon = line.indexOf(":");
    if (colon < 0) throw malformed(file, i + 1, line, '"<interface>: <counters>"');
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (f.length < 16 || f.some((v) => !Number.isInteger(v) || v < 0)) throw malformed(file, i + 1, line, "16 non-negative counters");
    const at = (j) => f[j];
    out.push({
      interface: line.slice(0, colon).trim(),
      rxBytes: at(0),
      rxPackets: at(1),
      rxErrors: at(2),
      rxDrops: at(3),
      txBytes: at(8),
      txPackets: at(9),
      txErrors: at(10),
      txDrops: at(11)
    });
  }
  return out;
}
function parseNetSnmp(text2, file = "/proc/net/snmp") {
  const out = /* @__PURE__ */ new Map();
  const lines = text2.split("\n").filter((l) => l !== "");
  if (lines.length % 2 !== 0) throw malformed(file, lines.length, lines[lines.length - 1] ?? "", "header/value line pairs");
  for (let i = 0; i < lines.length; i += 2) {
    const h = lines[i].split(/\s+/).filter((s) => s !== "");
    const v = lines[i + 1].split(/\s+/).filter((s) => s !== "");
    const proto = h[0];
    if (proto === void 0 || !proto.endsWith(":") || v[0] !== proto || h.length !== v.length) {
      throw malformed(file, i + 2, lines[i + 1], `a value line matching the "${proto ?? ""}" header`);
    }
    const m = /* @__PURE__ */ new Map();
    for (let j = 1; j < h.length; j++) {
      const n = Number(v[j]);
      if (!Number.isFinite(n)) throw malformed(file, i + 2, lines[i + 1], "integer values");
      m.set(h[j], n);
    }
    out.set(proto.slice(0, -1), m);
  }
  return out;
}
var devRates = [
  ["rxBytes", "net.rx_bytes_per_second", "bytes_per_second"],
  ["txBytes", "net.tx_bytes_per_second", "bytes_per_second"],
  ["rxPackets", "net.rx_packets_per_second", "per_second"],
  ["txPackets", "net.tx_packets_per_second", "per_second"],
  ["rxErrors", "net.rx_errors_per_second", "per_second"],
  ["txErrors", "net.tx_errors_per_second", "per_second"],
  ["rxDrops", "net.rx_drops_per_second", "per_second"],
  ["txDrops", "net.tx_drops_per_second", "per_second"]
];
var NetDevSource = class {
  id = "proc.net.dev";
  files;
  prev = /* @__PURE__ */ new Map();
  prevMs = 0;
  constructor(options = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
  }
  /** Closes the kernel files kept open between ticks. */
  close() {
    this.files.close();
  }
  collect(ctx) {
    const rows2 = parseNetDev(this.files.read("proc/net/dev"), this.files.path("proc/net/dev"));
    const out = [];
    const dt = ctx.monotonicMs - this.prevMs;
    const next = /* @__PURE__ */ new Map();
    for (const c of rows2) {
      next.set(c.interface, c);
      const labels = { interface: c.interface };
      out.push({ name: "net.rx_bytes_total", unit: "total", value: c.rxBytes, labels, timestamp: ctx.now });
      out.push({ name: "net.tx_bytes_total", unit: "total", value: c.txBytes, labels, timestamp: ctx.now });
      const p = this.prev.get(c.interface);
      if (p === void 0 || !(dt > 0)) continue;
      for (const [k, name2, unit] of devRates) {
        out.push({ name: name2, unit, value: counterRate(p[k], c[k], dt), labels, timestamp: ctx.now });
      }
    }
    this.prev = next;
    this.prevMs = ctx.monotonicMs;
    return out;
  }
};
var snmpRates = [
  ["tcpRetrans", "net.tcp.retransmits_per_second"],
  ["tcpOutSegs", "net.tcp.out_segments_per_second"],
  ["tcpInErrs", "net.tcp.in_errors_per_second"],
  ["tcpActiveOpens", "net.tcp.active_opens_per_second"],
  ["tcpPassiveOpens", "net.tcp.passive_opens_per_second"],
  ["tcpOutRsts", "net.tcp.resets_sent_per_second"],
  ["tcpAttemptFails", "net.tcp.attempt_fails_per_second"],
  ["udpInErrors", "net.udp.in_errors_per_second"],
  ["udpRcvbufErrors", "net.udp.rcvbuf_errors_per_second"],
  ["udpNoPorts", "net.udp.no_ports_per_second"],
  ["ipInDiscards", "net.ip.in_discards_per_second"]
];
var NetSnmpSource = class {
  id = "proc.net.snmp";
  files;
  prev;
  prevMs = 0;
  constructor(options = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
  }
  /** Closes the kernel files kept open between ticks. */
  close() {
    this.files.close();
  }
  collect(ctx) {
    const s = parseNetSnmp(this.files.read("proc/net/snmp"), this.files.path("proc/net/snmp"));
    const tcp = s.get("Tcp");
    const udp = s.get("Udp");
    const ip = s.get("Ip");
    const cur = {};
    const set = (k, v) => {
      if (v !== void 0) cur[k] = v;
    };
    set("tcpRetrans", tcp?.get("RetransSegs"));
    set("tcpOutSegs", tcp?.get("OutSegs"));
    set("tcpInErrs", tcp?.get("InErrs"));
    set("tcpActiveOpens", tcp?.get("ActiveOpens"));
    set("tcpPassiveOpens", tcp?.get("PassiveOpens"));
    set("tcpOutRsts", tcp?.get("OutRsts"));
    set("tcpAttemptFails", tcp?.get("AttemptFails"));
    set("udpInErrors", udp?.get("InErrors"));
    set("udpRcvbufErrors", udp?.get("RcvbufErrors"));
    set("udpNoPorts", udp?.get("NoPorts"));
    set("ipInDiscards", ip?.get("InDiscards"));
    const out = [];
    const estab = tcp?.get("CurrEstab");
    if (estab !== void 0) out.push({ name: "net.tcp.established_count", unit: "count", value: estab, timestamp: ctx.now });
    if (cur.tcpRetrans !== void 0) out.push({ name: "net.tcp.retransmits_total", unit: "total", value: cur.tcpRetrans, timestamp: ctx.now });
    const prev = this.prev;
    const dt = ctx.monotonicMs - this.prevMs;
    if (prev !== void 0 && dt > 0) {
      for (const [k, name2] of snmpRates) {
        const a = prev[k];
        const b = cur[k];
        if (a !== void 0 && b !== void 0) out.push({ name: name2, unit: "per_second", value: counterRate(a, b, dt), timestamp: ctx.now });
      }
      if (prev.tcpRetrans !== void 0 && cur.tcpRetrans !== void 0 && prev.tcpOutSegs !== void 0 && cur.tcpOutSegs !== void 0) {
        const sent = counterRate(prev.tcpOutSegs, cur.tcpOutSegs, dt);
        const re = counterRate(prev.tcpRetrans, cur.tcpRetrans, dt);
        out.push({ name: "net.tcp.retransmit_ratio", unit: "ratio", value: sent > 0 ? Math.min(1, re / sent) : 0, timestamp: ctx.now });
      }
    }
    this.prev = cur;
    this.prevMs = ctx.monotonicMs;
    return out;
  }
};

// ../../packages/telemetry/src/procProcesses.ts
import { closeSync as closeSync2, openSync as openSync2 } from "fs";
function parseProcessStat(text2, file = "/proc/<pid>/stat") {
  const open = text2.indexOf("(");
  const close = text2.lastIndexOf(")");
  if (open < 0 || close < open) throw malformed(file, 1, text2, '"<pid> (<comm>) <state> \u2026"');
  const f = text2.slice(close + 2).split(" ", 23);
  if (f.length < 22) throw malformed(file, 1, text2, "at least 24 fields");
  const n = (i) => {
    const v = Number(f[i]);
    if (!Number.isFinite(v)) throw malformed(file, 1, text2, `a number in field ${i + 3}`);
    return v;
  };
  return {
    pid: Number(text2.slice(0, open).trim()),
    comm: text2.slice(open + 1, close),
    state: f[0],
    ppid: n(1),
    minorFaults: n(7),
    majorFaults: n(9),
    utime: n(11),
    stime: n(12),
    numThreads: n(17),
    startTime: n(19),
    vsizeBytes: n(20),
    rssPages: n(21)
  };
}
var ProcessSource = class {
  id = "proc.processes";
  minIntervalMs;
  files;
  topN;
  hz;
  pageSize;
  maxOpenFiles;
  slices;
  fds = /* @__PURE__ */ new Map();
  known = /* @__PURE__ */ new Map();
  tick = 0;
  pids;
  constructor(options = {}) {
    this.files = new KernelFiles(options.root);
    this.topN = options.topN ?? 10;
    this.hz = options.clockTicksPerSecond ?? 100;
    this.pageSize = options.pageSize ?? 4096;
    this.minIntervalMs = options.minIntervalMs ?? 0;
    this.maxOpenFiles = options.maxOpenFiles ?? 256;
    this.slices = Math.max(1, Math.floor(options.slices ?? 5));
  }
  /**
   * Reads `/proc/<pid>/stat`, keeping up to `maxOpenFiles` descriptors open between scans (a `pread`
   * on an open descriptor costs less than half of open + read + close). A descriptor of an exited
   * process fails with ESRCH, even if the pid was reused, so it is closed and the file reopened once.
   */
  readStat(pid, path) {
    const cached = this.fds.get(pid);
    if (cached !== void 0) {
      try {
        return KernelFiles.readFd(cached);
      } catch {
        closeSync2(cached);
        this.fds.delete(pid);
      }
    }
    let fd;
    try {
      fd = openSync2(path, "r");
    } catch {
      return void 0;
    }
    let text2;
    try {
      text2 = KernelFiles.readFd(fd);
    } catch {
      text2 = void 0;
    }
    if (text2 !== void 0 && this.fds.size < this.maxOpenFiles) this.fds.set(pid, fd);
    else closeSync2(fd);
    return text2;
  }
  /** Closes the descriptors kept open between scans. */
  close() {
    for (const fd of this.fds.values()) closeSync2(fd);
    this.fds.clear();
  }
  collect(ctx) {
    const slice = this.tick++ % this.slices;
    if (slice === 0 || this.pids === void 0) {
      const pids2 = this.files.list("proc").filter((n) => n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57);
      const live = new Set(pids2);
      for (const pid of this.known.keys()) {
        if (live.has(pid)) continue;
        this.known.delete(pid);
        const fd = this.fds.get(pid);
        if (fd !== void 0) {
          closeSync2(fd);
          this.fds.delete(pid);
        }
      }
      this.pids = pids2;
    }
    const pids = this.pids;
    for (const pid of pids) {
      if (this.slices > 1 && Number(pid) % this.slices !== slice) continue;
      const path = this.files.path(`proc/${pid}/stat`);
      const text2 = this.readStat(pid, path);
      if (text2 === void 0) {
        this.known.delete(pid);
        continue;
      }
      const s = parseProcessStat(text2, path);
      const key = `${s.pid}:${s.startTime}`;
      const before = this.known.get(pid);
      const dt = before === void 0 ? 0 : ctx.monotonicMs - before.at;
      const entry = { key, stat: s, at: ctx.monotonicMs };
      if (before !== void 0 && before.key === key && dt > 0) {
        entry.cores = Math.max(0, s.utime + s.stime - before.stat.utime - before.stat.stime) / this.hz / (dt / 1e3);
        entry.majPerSec = Math.max(0, s.majorFaults - before.stat.majorFaults) * 1e3 / dt;
      }
      this.known.set(pid, entry);
    }
    const rows2 = [...this.known.values()].sort((a, b) => (b.cores ?? 0) - (a.cores ?? 0) || b.stat.rssPages - a.stat.rssPages);
    const out = [{ name: "process.count", unit: "count", value: pids.length, timestamp: ctx.now }];
    for (const e of rows2.slice(0, this.topN)) {
      const s = e.stat;
      const labels = { pid: String(s.pid), comm: s.comm };
      if (e.cores !== void 0) out.push({ name: "process.cpu_cores", unit: "cores", value: e.cores, labels, timestamp: ctx.now });
      out.push({ name: "process.rss_bytes", unit: "bytes", value: s.rssPages * this.pageSize, labels, timestamp: ctx.now });
      out.push({ name: "process.threads_count", unit: "count", value: s.numThreads, labels, timestamp: ctx.now });
      if (e.majPerSec !== void 0) out.push({ name: "process.major_faults_per_second", unit: "per_second", value: e.majPerSec, labels, timestamp: ctx.now });
    }
    return out;
  }
};

// ../../packages/telemetry/src/procStat.ts
function toInt(file, lineNo, line, token) {
  const v = token === void 0 ? Number.NaN : Number(token);
  if (!Number.isFinite(v)) throw malformed(file, lineNo, line, "a decimal number");
  return v;
}
function parseProcStat(text2, file = "/proc/stat") {
  const lines = text2.split("\n");
  let total;
  const cpus = /* @__PURE__ */ new Map();
  const out = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") continue;
    const parts = line.split(/\s+/);
    const key = parts[0];
    if (key.startsWith("cpu")) {
      if (parts.length < 5) throw malformed(file, i + 1, line, "a cpu line with at least 4 counters");
      const n = (j) => parts[j] === void 0 || parts[j] === "" ? 0 : toInt(file, i + 1, line, parts[j]);
      const t = {
        user: n(1),
        nice: n(2),
        system: n(3),
        idle: n(4),
        iowait: n(5),
        irq: n(6),
        softirq: n(7),
        steal: n(8),
        guest: n(9),
        guestNice: n(10)
      };
      if (key === "cpu") total = t;
      else {
        const id = key.slice(3);
        if (!/^\d+$/.test(id)) throw malformed(file, i + 1, line, "cpu<N>");
        cpus.set(id, t);
      }
      continue;
    }
    switch (key) {
      case "ctxt":
        out.contextSwitches = toInt(file, i + 1, line, parts[1]);
        break;
      case "intr":
        out.interrupts = toInt(file, i + 1, line, parts[1]);
        break;
      case "processes":
        out.processesCreated = toInt(file, i + 1, line, parts[1]);
        break;
      case "procs_running":
        out.procsRunning = toInt(file, i + 1, line, parts[1]);
        break;
      case "procs_blocked":
        out.procsBlocked = toInt(file, i + 1, line, parts[1]);
        break;
      case "btime":
        out.bootTime = toInt(file, i + 1, line, parts[1]);
        break;
      default:
        break;
    }
  }
  if (total === void 0) throw malformed(file, 1, lines[0] ?? "", 'a leading "cpu" line');
  return { ...out, total, cpus };
}
var d = (a, b) => b > a ? b - a : 0;
function deltas(prev, cur) {
  return {
    user: d(prev.user, cur.user),
    nice: d(prev.nice, cur.nice),
    system: d(prev.system, cur.system),
    idle: d(prev.idle, cur.idle),
    iowait: d(prev.iowait, cur.iowait),
    irq: d(prev.irq, cur.irq),
    softirq: d(prev.softirq, cur.softirq),
    steal: d(prev.steal, cur.steal)
  };
}
function fractions(x) {
  const total = x.user + x.nice + x.system + x.idle + x.iowait + x.irq + x.softirq + x.steal;
  if (total <= 0) return void 0;
  const idle = x.idle / total;
  const iowait = x.iowait / total;
  return {
    busy: 1 - idle - iowait,
    user: (x.user + x.nice) / total,
    system: x.system / total,
    iowait,
    irq: (x.irq + x.softirq) / total,
    steal: x.steal / total,
    idle
  };
}
function cpuUtilisation(prev, cur) {
  const perCpu = /* @__PURE__ */ new Map();
  const sum2 = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 };
  let any = false;
  for (const [id, c] of cur.cpus) {
    const p = prev.cpus.get(id);
    if (p === void 0) continue;
    const x = deltas(p, c);
    const f = fractions(x);
    if (f !== void 0) perCpu.set(id, f);
    for (const k of Object.keys(sum2)) sum2[k] += x[k];
    any = true;
  }
  const total = fractions(any ? sum2 : deltas(prev.total, cur.total));
  return total === void 0 ? { perCpu } : { total, perCpu };
}
var ProcStatSource = class {
  id = "proc.stat";
  files;
  perCpu;
  prev;
  prevMs = 0;
  constructor(options = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
    this.perCpu = options.perCpu ?? true;
  }
  /** Closes the kernel files kept open between ticks. */
  close() {
    this.files.close();
  }
  collect(ctx) {
    const cur = parseProcStat(this.files.read("proc/stat"), this.files.path("proc/stat"));
    const out = [];
    const push = (name2, unit, value, labels) => {
      out.push(labels === void 0 ? { name: name2, unit, value, timestamp: ctx.now } : { name: name2, unit, value, labels, timestamp: ctx.now });
    };
    push("cpu.online_count", "count", cur.cpus.size);
    if (cur.procsRunning !== void 0) push("cpu.procs_running_count", "count", cur.procsRunning);
    if (cur.procsBlocked !== void 0) push("cpu.procs_blocked_count", "count", cur.procsBlocked);
    if (cur.contextSwitches !== void 0) push("cpu.context_switches_total", "total", cur.contextSwitches);
    const prev = this.prev;
    const dt = ctx.monotonicMs - this.prevMs;
    if (prev !== void 0 && dt > 0) {
      const u = cpuUtilisation(prev, cur);
      const emit = (f, labels) => {
        push("cpu.busy_ratio", "ratio", f.busy, labels);
        push("cpu.user_ratio", "ratio", f.user, labels);
        push("cpu.system_ratio", "ratio", f.system, labels);
        push("cpu.iowait_ratio", "ratio", f.iowait, labels);
        push("cpu.irq_ratio", "ratio", f.irq, labels);
        push("cpu.steal_ratio", "ratio", f.steal, labels);
      };
      if (u.total !== void 0) emit(u.total);
      if (this.perCpu) for (const [id, f] of u.perCpu) emit(f, { cpu: id });
      if (prev.contextSwitches !== void 0 && cur.contextSwitches !== void 0)
        push("cpu.context_switches_per_second", "per_second", counterRate(prev.contextSwitches, cur.contextSwitches, dt, 64));
      if (prev.interrupts !== void 0 && cur.interrupts !== void 0)
        push("cpu.interrupts_per_second", "per_second", counterRate(prev.interrupts, cur.interrupts, dt, 64));
      if (prev.processesCreated !== void 0 && cur.processesCreated !== void 0)
        push("cpu.forks_per_second", "per_second", counterDelta(prev.processesCreated, cur.processesCreated) * 1e3 / dt);
    }
    this.prev = cur;
    this.prevMs = ctx.monotonicMs;
    return out;
  }
};

// ../../packages/telemetry/src/procVmstat.ts
function parseVmstat(text2, file = "/proc/vmstat") {
  const out = /* @__PURE__ */ new Map();
  const lines = text2.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") continue;
    const sp = line.indexOf(" ");
    const text3 = sp > 0 ? line.slice(sp + 1) : "";
    const v = text3 === "" ? Number.NaN : Number(text3);
    if (!Number.isInteger(v)) throw malformed(file, i + 1, line, '"<name> <integer>"');
    out.set(line.slice(0, sp), v);
  }
  return out;
}
function sum(m, names) {
  let s = 0;
  let found = false;
  for (const n of names) {
    const v = m.get(n);
    if (v !== void 0) {
      s += v;
      found = true;
    }
  }
  return found ? s : void 0;
}
function sumPrefix(m, prefix) {
  let s = 0;
  let found = false;
  for (const [k, v] of m) {
    if (k.startsWith(prefix) && !k.endsWith("_throttle")) {
      s += v;
      found = true;
    }
  }
  return found ? s : void 0;
}
function vmCounters(m) {
  const scan = sum(m, ["pgscan_kswapd", "pgscan_direct", "pgscan_khugepaged", "pgscan_proactive"]);
  return {
    pgpgin: m.get("pgpgin"),
    pgpgout: m.get("pgpgout"),
    pswpin: m.get("pswpin"),
    pswpout: m.get("pswpout"),
    pgfault: m.get("pgfault"),
    pgmajfault: m.get("pgmajfault"),
    pgscan: scan ?? add(sumPrefix(m, "pgscan_kswapd_"), sumPrefix(m, "pgscan_direct_")),
    pgscanDirect: m.get("pgscan_direct") ?? sumPrefix(m, "pgscan_direct_"),
    pgsteal: sum(m, ["pgsteal_kswapd", "pgsteal_direct", "pgsteal_khugepaged", "pgsteal_proactive"]) ?? add(sumPrefix(m, "pgsteal_kswapd_"), sumPrefix(m, "pgsteal_direct_")),
    allocstall: m.get("allocstall") ?? sumPrefix(m, "allocstall_"),
    oomKill: m.get("oom_kill"),
    workingsetRefault: m.get("workingset_refault") ?? sum(m, ["workingset_refault_anon", "workingset_refault_file"])
  };
}
function add(a, b) {
  if (a === void 0 && b === void 0) return void 0;
  return (a ?? 0) + (b ?? 0);
}
var rates = [
  // [counter, metric, unit, scale]
  ["pgpgin", "vm.page_in_bytes_per_second", "bytes_per_second", 1024],
  ["pgpgout", "vm.page_out_bytes_per_second", "bytes_per_second", 1024],
  ["pswpin", "vm.swap_in_pages_per_second", "per_second", 1],
  ["pswpout", "vm.swap_out_pages_per_second", "per_second", 1],
  ["pgfault", "vm.page_faults_per_second", "per_second", 1],
  ["pgmajfault", "vm.major_faults_per_second", "per_second", 1],
  ["pgscan", "vm.pages_scanned_per_second", "per_second", 1],
  ["pgscanDirect", "vm.direct_reclaim_pages_scanned_per_second", "per_second", 1],
  ["pgsteal", "vm.pages_reclaimed_per_second", "per_second", 1],
  ["allocstall", "vm.alloc_stalls_per_second", "per_second", 1],
  ["workingsetRefault", "vm.workingset_refaults_per_second", "per_second", 1],
  ["oomKill", "vm.oom_kills_per_second", "per_second", 1]
];
var VmstatSource = class {
  id = "proc.vmstat";
  files;
  prev;
  prevMs = 0;
  constructor(options = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
  }
  /** Closes the kernel files kept open between ticks. */
  close() {
    this.files.close();
  }
  collect(ctx) {
    const cur = vmCounters(parseVmstat(this.files.read("proc/vmstat"), this.files.path("proc/vmstat")));
    const out = [];
    if (cur["oomKill"] !== void 0) out.push({ name: "vm.oom_kills_total", unit: "total", value: cur["oomKill"], timestamp: ctx.now });
    const prev = this.prev;
    const dt = ctx.monotonicMs - this.prevMs;
    if (prev !== void 0 && dt > 0) {
      for (const [key, name2, unit, scale] of rates) {
        const a = prev[key];
        const b = cur[key];
        if (a !== void 0 && b !== void 0) out.push({ name: name2, unit, value: counterRate(a, b, dt) * scale, timestamp: ctx.now });
      }
    }
    this.prev = cur;
    this.prevMs = ctx.monotonicMs;
    return out;
  }
};

// ../../packages/telemetry/src/sysBlockQueue.ts
function parseScheduler(text2) {
  const words = text2.trim().split(/\s+/).filter((w) => w !== "");
  let active;
  const available = words.map((w) => {
    const m = /^\[(.+)\]$/.exec(w);
    if (m !== null) {
      active = m[1];
      return active;
    }
    return w;
  });
  if (active === void 0 && available.length === 1) active = available[0];
  return { active, available };
}
var numeric = [
  ["nr_requests", "block.queue.nr_requests_count", "count", 1],
  ["read_ahead_kb", "block.queue.read_ahead_bytes", "bytes", 1024],
  ["max_sectors_kb", "block.queue.max_request_bytes", "bytes", 1024],
  ["rotational", "block.queue.rotational", "count", 1],
  ["nomerges", "block.queue.nomerges", "count", 1],
  ["wbt_lat_usec", "block.queue.wbt_latency_seconds", "seconds", 1e-6]
];
var BlockQueueSource = class {
  id = "sys.block.queue";
  minIntervalMs;
  files;
  constructor(options = {}) {
    this.files = new KernelFiles(options.root);
    this.minIntervalMs = options.minIntervalMs ?? 1e4;
  }
  collect(ctx) {
    const devices = this.files.list("sys/block").filter((d2) => !/^(loop|ram)\d+$/.test(d2));
    const out = [];
    for (const device of devices) {
      const dir = `sys/block/${device}/queue`;
      const sched = this.files.tryRead(`${dir}/scheduler`);
      if (sched !== void 0) {
        const s = parseScheduler(sched);
        if (s.active !== void 0) {
          out.push({ name: "block.queue.scheduler_info", unit: "info", value: 1, labels: { device, scheduler: s.active }, timestamp: ctx.now });
        }
      }
      const labels = { device };
      for (const [file, name2, unit, scale] of numeric) {
        const text2 = this.files.tryRead(`${dir}/${file}`);
        if (text2 === void 0) continue;
        const v = Number(text2.trim());
        if (Number.isFinite(v)) out.push({ name: name2, unit, value: v * scale, labels, timestamp: ctx.now });
      }
    }
    if (devices.length > 0 && out.length === 0) {
      throw new TelemetryError("ERR_AINKA_TELEMETRY_PERMISSION_DENIED", `no queue attribute under ${this.files.path("sys/block")} was readable: run as root.`);
    }
    return out;
  }
};

// ../../packages/telemetry/src/sysCpufreq.ts
var CpufreqSource = class {
  id = "sys.cpufreq";
  minIntervalMs;
  files;
  cached;
  listedAt = 0;
  unavailable;
  constructor(options = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
    this.minIntervalMs = options.minIntervalMs ?? 0;
  }
  policies() {
    const base = "sys/devices/system/cpu";
    const policies = this.files.tryList(`${base}/cpufreq`).filter((d2) => /^policy\d+$/.test(d2)).map((d2) => [d2.slice(6), `${base}/cpufreq/${d2}`]);
    if (policies.length > 0) return policies;
    return this.files.tryList(base).filter((d2) => /^cpu\d+$/.test(d2) && this.files.tryRead(`${base}/${d2}/cpufreq/scaling_cur_freq`) !== void 0).map((d2) => [d2.slice(3), `${base}/${d2}/cpufreq`]);
  }
  /** Closes the kernel files kept open between ticks. */
  close() {
    this.files.close();
  }
  collect(ctx) {
    if (this.cached === void 0 || ctx.monotonicMs - this.listedAt >= 1e4 || ctx.monotonicMs < this.listedAt) {
      this.cached = this.policies();
      this.listedAt = ctx.monotonicMs;
      this.unavailable = void 0;
    }
    const policies = this.cached;
    if (policies.length === 0) {
      this.unavailable ??= new TelemetryError(
        "ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE",
        `no cpufreq policy under ${this.files.path("sys/devices/system/cpu/cpufreq")}: no cpufreq driver is loaded (common in virtual machines); load one (intel_pstate, amd-pstate, acpi-cpufreq) to get frequencies.`
      );
      throw this.unavailable;
    }
    const out = [];
    for (const [policy, dir] of policies) {
      const labels = { policy };
      const khz = (f) => {
        const t = this.files.tryRead(`${dir}/${f}`);
        const v = t === void 0 ? Number.NaN : Number(t.trim());
        return Number.isFinite(v) ? v * 1e3 : void 0;
      };
      const cur = khz("scaling_cur_freq");
      const min = khz("scaling_min_freq");
      const max = khz("scaling_max_freq");
      const hw = khz("cpuinfo_max_freq");
      if (cur !== void 0) out.push({ name: "cpufreq.current_hertz", unit: "hertz", value: cur, labels, timestamp: ctx.now });
      if (min !== void 0) out.push({ name: "cpufreq.min_hertz", unit: "hertz", value: min, labels, timestamp: ctx.now });
      if (max !== void 0) out.push({ name: "cpufreq.max_hertz", unit: "hertz", value: max, labels, timestamp: ctx.now });
      if (hw !== void 0) out.push({ name: "cpufreq.hardware_max_hertz", unit: "hertz", value: hw, labels, timestamp: ctx.now });
      const gov = this.files.tryRead(`${dir}/scaling_governor`)?.trim();
      if (gov !== void 0 && gov !== "") {
        out.push({ name: "cpufreq.governor_info", unit: "info", value: 1, labels: { policy, governor: gov }, timestamp: ctx.now });
      }
    }
    return out;
  }
};

// ../../packages/telemetry/src/defaultSources.ts
function createDefaultSources(options = {}) {
  const root = options.root ?? "/";
  const sources = [
    new ProcStatSource({ root }),
    new MeminfoSource({ root }),
    new VmstatSource({ root }),
    new LoadavgSource({ root }),
    new PressureSource({ root }),
    new DiskstatsSource({ root }),
    new NetDevSource({ root }),
    new NetSnmpSource({ root }),
    new BlockQueueSource({ root }),
    new CpufreqSource({ root })
  ];
  if (options.cgroups !== false) sources.push(new CgroupSource({ root, ...options.cgroups ?? {} }));
  if (options.processes !== false) sources.push(new ProcessSource({ root, ...options.processes ?? {} }));
  return sources;
}

// ../../packages/telemetry/src/HistoryManager.ts
import { statSync } from "fs";
import Database from "better-sqlite3";
var defaultHistoryTiers = Object.freeze([
  { name: "raw", resolutionMs: 1e3, retentionMs: 6 * 36e5 },
  { name: "1m", resolutionMs: 6e4, retentionMs: 30 * 864e5 },
  { name: "1h", resolutionMs: 36e5, retentionMs: 365 * 864e5 }
]);
var TIER_NAME = /^[a-z0-9_]{1,32}$/;
var gcd = (a, b) => b === 0 ? a : gcd(b, a % b);
var lcm = (a, b) => a / gcd(a, b) * b;
function invalid(message) {
  return new TelemetryError("ERR_AINKA_TELEMETRY_INVALID_OPTION", message);
}
function validateTiers(tiers) {
  if (tiers.length === 0) throw invalid('tiers is empty: give at least one tier, e.g. { name: "raw", resolutionMs: 1000, retentionMs: 21600000 }.');
  const seen = /* @__PURE__ */ new Set();
  tiers.forEach((t, i) => {
    if (!TIER_NAME.test(t.name)) throw invalid(`tier name "${t.name}" is not allowed: use 1-32 characters from [a-z0-9_].`);
    if (seen.has(t.name)) throw invalid(`tier name "${t.name}" is used twice: give each tier its own name.`);
    seen.add(t.name);
    if (!(t.resolutionMs > 0 && t.retentionMs > 0)) throw invalid(`tier "${t.name}" needs positive resolutionMs and retentionMs.`);
    const prev = tiers[i - 1];
    if (prev !== void 0 && (t.resolutionMs <= prev.resolutionMs || t.resolutionMs % prev.resolutionMs !== 0)) {
      throw invalid(`tier "${t.name}" resolution ${t.resolutionMs} ms must be a multiple of, and larger than, tier "${prev.name}" (${prev.resolutionMs} ms).`);
    }
  });
}
var HistoryManager = class {
  /** The tiers in use, finest first. */
  tiers;
  /** The size bound in bytes. */
  maxBytes;
  db;
  path;
  st;
  seriesIds = /* @__PURE__ */ new Map();
  seriesById = /* @__PURE__ */ new Map();
  buffer = [];
  batchSize;
  maintenanceIntervalMs;
  nowFn;
  lastMaintenance;
  timer;
  closed = false;
  /** Samples skipped because their value or timestamp was not a finite number. */
  droppedSamples = 0;
  /** The error of the last background flush, if it failed (cleared by the next success). */
  lastError;
  writeBatch;
  constructor(options) {
    this.tiers = options.tiers ?? defaultHistoryTiers;
    validateTiers(this.tiers);
    this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
    if (!(this.maxBytes >= 64 * 1024)) throw invalid(`maxBytes ${this.maxBytes} is too small: use at least 65536.`);
    this.batchSize = options.batchSize ?? 1e4;
    this.maintenanceIntervalMs = options.maintenanceIntervalMs ?? 6e4;
    this.nowFn = options.now ?? Date.now;
    this.lastMaintenance = this.nowFn();
    this.path = options.path;
    this.db = new Database(options.path);
    this.db.pragma("auto_vacuum = INCREMENTAL");
    this.db.pragma("journal_mode = WAL");
    this.db.pragma(`synchronous = ${options.durability === "full" ? "FULL" : "NORMAL"}`);
    this.db.pragma("journal_size_limit = 4194304");
    this.db.pragma("cache_size = -16384");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS series (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, labels TEXT NOT NULL, unit TEXT NOT NULL, UNIQUE (name, labels));
    `);
    this.tiers.forEach((t, i) => {
      this.db.exec(
        i === 0 ? `CREATE TABLE IF NOT EXISTS "t_${t.name}" (series INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (series, ts)) WITHOUT ROWID` : `CREATE TABLE IF NOT EXISTS "t_${t.name}" (series INTEGER NOT NULL, ts INTEGER NOT NULL, count INTEGER NOT NULL, sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL, PRIMARY KEY (series, ts)) WITHOUT ROWID`
      );
    });
    const raw = this.tiers[0].name;
    this.st = {
      insertRaw: this.db.prepare(`INSERT OR REPLACE INTO "t_${raw}" (series, ts, value) VALUES (?, ?, ?)`),
      insertSeries: this.db.prepare("INSERT INTO series (name, labels, unit) VALUES (?, ?, ?)"),
      getMeta: this.db.prepare("SELECT value FROM meta WHERE key = ?"),
      setMeta: this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")
    };
    for (const row of this.db.prepare("SELECT id, name, labels, unit FROM series").all()) {
      const labels = JSON.parse(row.labels);
      const info = { id: row.id, name: row.name, labels, unit: row.unit };
      this.seriesById.set(row.id, info);
      this.seriesIds.set(seriesKey({ name: row.name, labels }), row.id);
    }
    this.writeBatch = this.db.transaction((samples) => {
      let minTs = Number.POSITIVE_INFINITY;
      for (const s of samples) {
        if (!Number.isFinite(s.value) || !Number.isFinite(s.timestamp)) {
          this.droppedSamples += 1;
          continue;
        }
        const id = this.seriesId(s);
        const ts = Math.round(s.timestamp);
        if (ts < minTs) minTs = ts;
        this.st.insertRaw.run(id, ts, s.value);
      }
      for (const t of this.tiers.slice(1)) {
        if (this.st.getMeta.get(`watermark:${t.name}`) === void 0 && Number.isFinite(minTs)) {
          this.st.setMeta.run(`watermark:${t.name}`, String(Math.floor(minTs / t.resolutionMs) * t.resolutionMs));
        }
      }
      return samples.length;
    });
    const every = options.flushIntervalMs ?? 1e3;
    if (every > 0) {
      this.timer = setInterval(() => {
        if (this.buffer.length === 0) return;
        try {
          this.flush();
          this.lastError = void 0;
        } catch (err) {
          this.lastError = err;
        }
      }, every);
      this.timer.unref();
    }
  }
  ensureOpen() {
    if (this.closed) throw new TelemetryError("ERR_AINKA_TELEMETRY_HISTORY_CLOSED", `the history at ${this.path} is closed: open a new HistoryManager.`);
  }
  seriesId(s) {
    const key = seriesKey(s);
    let id = this.seriesIds.get(key);
    if (id === void 0) {
      const labels = {};
      for (const k of Object.keys(s.labels ?? {}).sort()) labels[k] = s.labels[k];
      id = Number(this.st.insertSeries.run(s.name, JSON.stringify(labels), s.unit).lastInsertRowid);
      this.seriesIds.set(key, id);
      this.seriesById.set(id, { id, name: s.name, labels, unit: s.unit });
    }
    return id;
  }
  /** Buffers samples; they are written by the next flush (batch size, interval, or `flush()`). */
  write(samples) {
    this.ensureOpen();
    for (const s of samples) this.buffer.push(s);
    if (this.buffer.length >= this.batchSize) this.flush();
  }
  /**
   * Writes the buffered samples in one transaction and returns how many were written. Runs
   * `maintain()` when it is due or the database has grown past `maxBytes`.
   */
  flush() {
    this.ensureOpen();
    const n = this.commit();
    if (n === 0) return 0;
    const now = this.nowFn();
    const due = this.maintenanceIntervalMs > 0 && now - this.lastMaintenance >= this.maintenanceIntervalMs;
    if (due || this.usedBytes() > this.maxBytes) this.maintain(now);
    return n;
  }
  commit() {
    if (this.buffer.length === 0) return 0;
    const batch = this.buffer;
    this.buffer = [];
    return this.writeBatch(batch);
  }
  usedBytes() {
    const pages = this.db.pragma("page_count", { simple: true });
    const free = this.db.pragma("freelist_count", { simple: true });
    const size = this.db.pragma("page_size", { simple: true });
    return (pages - free) * size;
  }
  watermark(tier) {
    const row = this.st.getMeta.get(`watermark:${tier.name}`);
    return row === void 0 ? void 0 : Number(row.value);
  }
  /** Rolls up, expires and evicts (see the class docs). Called from `flush()` when due. */
  maintain(now = this.nowFn()) {
    this.ensureOpen();
    this.commit();
    this.lastMaintenance = now;
    const rolledUp = {};
    const expired = {};
    for (let i = 1; i < this.tiers.length; i++) {
      const t = this.tiers[i];
      const src = this.tiers[i - 1];
      const from2 = this.watermark(t);
      const to = Math.floor(now / t.resolutionMs) * t.resolutionMs;
      if (from2 === void 0 || to <= from2) {
        rolledUp[t.name] = 0;
        continue;
      }
      const select = i === 1 ? `SELECT r.series, (r.ts / ${t.resolutionMs}) * ${t.resolutionMs} AS b, count(*), sum(r.value), min(r.value), max(r.value)` : `SELECT r.series, (r.ts / ${t.resolutionMs}) * ${t.resolutionMs} AS b, sum(r.count), sum(r.sum), min(r.min), max(r.max)`;
      const sql = `INSERT OR REPLACE INTO "t_${t.name}" (series, ts, count, sum, min, max)
        ${select} FROM series s CROSS JOIN "t_${src.name}" r ON r.series = s.id AND r.ts >= ? AND r.ts < ? GROUP BY r.series, b`;
      rolledUp[t.name] = this.db.transaction(() => {
        const n = this.db.prepare(sql).run(from2, to).changes;
        this.st.setMeta.run(`watermark:${t.name}`, String(to));
        return n;
      })();
    }
    this.tiers.forEach((t, i) => {
      const next = this.tiers[i + 1];
      const nextMark = next === void 0 ? void 0 : this.watermark(next);
      let cutoff = now - t.retentionMs;
      if (next !== void 0) cutoff = Math.min(cutoff, nextMark ?? Number.NEGATIVE_INFINITY);
      expired[t.name] = Number.isFinite(cutoff) ? this.deleteBefore(t, cutoff) : 0;
    });
    const evicted = this.enforceBound();
    this.db.pragma("incremental_vacuum");
    this.db.pragma("wal_checkpoint(TRUNCATE)");
    return { rolledUp, expired, evicted, sizeBytes: this.sizeBytes() };
  }
  deleteBefore(t, cutoff) {
    return this.db.prepare(`DELETE FROM "t_${t.name}" WHERE series IN (SELECT id FROM series) AND ts < ?`).run(cutoff).changes;
  }
  oldest(t) {
    const row = this.db.prepare(`SELECT min((SELECT ts FROM "t_${t.name}" WHERE series = s.id ORDER BY ts LIMIT 1)) AS ts FROM series s`).get();
    return row.ts ?? void 0;
  }
  enforceBound() {
    const target2 = this.maxBytes * 0.85;
    let evicted = 0;
    for (let i = 0; i < this.tiers.length; i++) {
      const t = this.tiers[i];
      const next = this.tiers[i + 1];
      for (let round = 0; round < 40; round++) {
        const used = this.usedBytes();
        if (used <= target2) break;
        const oldest = this.oldest(t);
        if (oldest === void 0) break;
        const limit = next === void 0 ? Number.POSITIVE_INFINITY : this.watermark(next) ?? Number.NEGATIVE_INFINITY;
        const newest = this.db.prepare(`SELECT max((SELECT ts FROM "t_${t.name}" WHERE series = s.id ORDER BY ts DESC LIMIT 1)) AS ts FROM series s`).get().ts;
        const span = Math.max(t.resolutionMs, newest - oldest);
        const share = Math.min(1, Math.max(0.05, (used - target2) / used * 1.1));
        const cutoff = Math.min(limit, oldest + Math.max(t.resolutionMs, Math.ceil(span * share)));
        if (!(cutoff > oldest)) break;
        const n = this.deleteBefore(t, cutoff);
        evicted += n;
        if (n === 0) break;
      }
    }
    return evicted;
  }
  /** Main file + WAL size on disk, in bytes (the page count for `:memory:`). */
  sizeBytes() {
    if (this.path === ":memory:" || this.path === "") return this.usedBytes();
    let total = 0;
    for (const p of [this.path, `${this.path}-wal`]) {
      try {
        total += statSync(p).size;
      } catch {
      }
    }
    return total;
  }
  /** Series whose name matches and whose labels include `labels`. */
  findSeries(name2, labels) {
    const out = [];
    for (const s of this.seriesById.values()) {
      if (s.name !== name2) continue;
      if (labels !== void 0 && Object.entries(labels).some(([k, v]) => s.labels[k] !== v)) continue;
      out.push(s);
    }
    return out;
  }
  tierNamed(name2) {
    const t = this.tiers.find((x) => x.name === name2);
    if (t === void 0) throw invalid(`unknown tier "${name2}": use one of ${this.tiers.map((x) => x.name).join(", ")} or "auto".`);
    return t;
  }
  /**
   * Which tier serves which part of [from, to) for one series. `auto` uses the finest tier that holds
   * data, back to its oldest point, and coarser tiers before that; boundaries fall on bucket edges of
   * the coarser tier (and of `step`) where the coarser tier has rolled that bucket up, so no sample is
   * counted twice or lost.
   */
  plan(seriesId, q, step = 1) {
    if (q.tier !== void 0 && q.tier !== "auto") return [{ tier: this.tierNamed(q.tier), from: q.from, to: q.to }];
    const segs = [];
    let end = q.to;
    for (let i = 0; i < this.tiers.length && end > q.from; i++) {
      const t = this.tiers[i];
      const coarser = this.tiers[i + 1];
      if (coarser === void 0) {
        segs.push({ tier: t, from: q.from, to: end });
        break;
      }
      const row = this.db.prepare(`SELECT ts FROM "t_${t.name}" WHERE series = ? ORDER BY ts LIMIT 1`).get(seriesId);
      if (row === void 0) continue;
      let start = q.from;
      if (row.ts > q.from) {
        const align = lcm(coarser.resolutionMs, step);
        const aligned = Math.ceil(row.ts / align) * align;
        const mark = this.watermark(coarser);
        start = mark !== void 0 && aligned <= mark ? aligned : row.ts;
      }
      if (start < end) {
        segs.push({ tier: t, from: start, to: end });
        end = start;
      }
    }
    return segs.reverse();
  }
  /**
   * Points of every matching series in [from, to) (buffered samples are flushed first). With
   * `tier: 'auto'` (default) recent points come from the finest tier and older ones from rollups;
   * rollup points carry `min`, `max`, `count` and the mean as `value`.
   */
  query(q) {
    this.ensureOpen();
    this.flush();
    return this.findSeries(q.name, q.labels).map((s) => {
      const points = [];
      const used = [];
      for (const seg of this.plan(s.id, q)) {
        used.push(seg.tier.name);
        if (seg.tier === this.tiers[0]) {
          const rows2 = this.db.prepare(`SELECT ts, value FROM "t_${seg.tier.name}" WHERE series = ? AND ts >= ? AND ts < ? ORDER BY ts`).raw().all(s.id, seg.from, seg.to);
          for (const r of rows2) points.push({ timestamp: r[0], value: r[1] });
        } else {
          const rows2 = this.db.prepare(`SELECT ts, sum, min, max, count FROM "t_${seg.tier.name}" WHERE series = ? AND ts >= ? AND ts < ? ORDER BY ts`).raw().all(s.id, seg.from, seg.to);
          for (const r of rows2) {
            points.push({ timestamp: r[0], value: r[1] / r[4], min: r[2], max: r[3], count: r[4] });
          }
        }
      }
      return { name: s.name, labels: s.labels, unit: s.unit, tier: used.join(",") || this.tiers[0].name, points };
    });
  }
  /**
   * One value per `stepMs` bucket per matching series, computed in SQLite. With `tier: 'auto'`
   * (default) each bucket comes from the finest tier that holds it.
   */
  aggregate(q) {
    this.ensureOpen();
    if (!(Number.isInteger(q.stepMs) && q.stepMs > 0)) throw invalid(`stepMs ${q.stepMs} must be a positive integer.`);
    this.flush();
    const rawExpr = { avg: "avg(value)", min: "min(value)", max: "max(value)", sum: "sum(value)", count: "count(*)" };
    const rollExpr = { avg: "sum(sum) / sum(count)", min: "min(min)", max: "max(max)", sum: "sum(sum)", count: "sum(count)" };
    return this.findSeries(q.name, q.labels).map((s) => {
      const points = [];
      const used = [];
      for (const seg of this.plan(s.id, q, q.stepMs)) {
        used.push(seg.tier.name);
        const expr = seg.tier === this.tiers[0] ? rawExpr[q.fn] : rollExpr[q.fn];
        const rows2 = this.db.prepare(`SELECT (ts / ${q.stepMs}) * ${q.stepMs} AS b, ${expr} FROM "t_${seg.tier.name}" WHERE series = ? AND ts >= ? AND ts < ? GROUP BY b ORDER BY b`).raw().all(s.id, seg.from, seg.to);
        for (const r of rows2) points.push({ timestamp: r[0], value: r[1] });
      }
      return { name: s.name, labels: s.labels, unit: s.unit, tier: used.join(",") || this.tiers[0].name, points };
    });
  }
  /** The newest raw point of each matching series. */
  latest(name2, labels) {
    this.ensureOpen();
    this.flush();
    const raw = this.tiers[0].name;
    const stmt = this.db.prepare(`SELECT ts, value FROM "t_${raw}" WHERE series = ? ORDER BY ts DESC LIMIT 1`);
    const out = [];
    for (const s of this.findSeries(name2, labels)) {
      const row = stmt.get(s.id);
      if (row !== void 0) out.push({ series: s, point: { timestamp: row.ts, value: row.value } });
    }
    return out;
  }
  /** Row counts per tier and size figures. */
  stats() {
    this.ensureOpen();
    const rows2 = {};
    for (const t of this.tiers) rows2[t.name] = this.db.prepare(`SELECT count(*) AS n FROM "t_${t.name}"`).get().n;
    return {
      rows: rows2,
      series: this.seriesById.size,
      sizeBytes: this.sizeBytes(),
      pageSize: this.db.pragma("page_size", { simple: true }),
      pages: this.db.pragma("page_count", { simple: true }),
      freePages: this.db.pragma("freelist_count", { simple: true })
    };
  }
  /** SQLite's `PRAGMA integrity_check`: `['ok']` on a healthy database. */
  integrityCheck() {
    this.ensureOpen();
    return this.db.pragma("integrity_check").map((r) => r.integrity_check);
  }
  /** Flushes, checkpoints and closes. Idempotent. */
  close() {
    if (this.closed) return;
    if (this.timer !== void 0) clearInterval(this.timer);
    try {
      this.flush();
      this.db.pragma("wal_checkpoint(TRUNCATE)");
    } finally {
      this.closed = true;
      this.db.close();
    }
  }
};

// ../../packages/telemetry/src/logEvent.ts
function parseKmsgRecord(record2, bootTimeMs = 0, file = "/dev/kmsg") {
  const nl = record2.indexOf("\n");
  const head = nl < 0 ? record2 : record2.slice(0, nl);
  const semi = head.indexOf(";");
  if (semi < 0) throw malformed(file, 1, head, '"<prio>,<seq>,<usec>,<flags>;<message>"');
  const pre = head.slice(0, semi).split(",");
  const prio = Number(pre[0]);
  const seq = Number(pre[1]);
  const usec = Number(pre[2]);
  if (pre.length < 3 || !Number.isInteger(prio) || !Number.isInteger(seq) || !Number.isFinite(usec)) {
    throw malformed(file, 1, head, '"<prio>,<seq>,<usec>,<flags>;<message>"');
  }
  const fields2 = {};
  if (nl >= 0) {
    for (const line of record2.slice(nl + 1).split("\n")) {
      if (!line.startsWith(" ")) continue;
      const eq = line.indexOf("=");
      if (eq > 1) fields2[line.slice(1, eq)] = line.slice(eq + 1);
    }
  }
  const message = head.slice(semi + 1).replace(/\\x([0-9a-f]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16)));
  const ev2 = {
    source: "kmsg",
    timestamp: bootTimeMs + usec / 1e3,
    level: prio & 7,
    facility: prio >> 3,
    message,
    sequence: seq,
    ...fields2["SUBSYSTEM"] === void 0 ? {} : { identifier: fields2["SUBSYSTEM"] },
    ...Object.keys(fields2).length > 0 ? { fields: fields2 } : {}
  };
  return ev2;
}
var keep = ["_PID", "_COMM", "_EXE", "_TRANSPORT", "SYSLOG_IDENTIFIER", "_SYSTEMD_UNIT", "UNIT", "_HOSTNAME", "JOB_RESULT", "MESSAGE_ID"];
function text(v) {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((b) => typeof b === "number")) return Buffer.from(v).toString("utf8");
  return void 0;
}
function parseJournalEntry(line, file = "journalctl -o json") {
  let obj;
  try {
    obj = JSON.parse(line);
  } catch {
    throw malformed(file, 1, line, "one JSON object per line");
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw malformed(file, 1, line, "a JSON object");
  const o = obj;
  const message = text(o["MESSAGE"]);
  if (message === void 0) return void 0;
  const fields2 = {};
  for (const k of keep) {
    const v = text(o[k]);
    if (v !== void 0) fields2[k] = v;
  }
  const unit = fields2["_SYSTEMD_UNIT"] ?? fields2["UNIT"];
  const identifier = fields2["SYSLOG_IDENTIFIER"];
  const facility = Number(text(o["SYSLOG_FACILITY"]) ?? (fields2["_TRANSPORT"] === "kernel" ? 0 : 3));
  return {
    source: "journal",
    timestamp: Number(text(o["__REALTIME_TIMESTAMP"]) ?? "0") / 1e3,
    level: Number(text(o["PRIORITY"]) ?? "6"),
    facility: Number.isFinite(facility) ? facility : 3,
    message,
    ...unit === void 0 ? {} : { unit },
    ...identifier === void 0 ? {} : { identifier },
    fields: fields2
  };
}

// ../../packages/telemetry/src/logDetectors.ts
var make = (kind, severity, summary, details, event) => ({
  kind,
  severity,
  summary,
  details,
  event
});
var detectOomKill = (e) => {
  const m = /(Memory cgroup out of memory|Out of memory)[^:]*: Kill(?:ed)? process (\d+) \((.*?)\)/.exec(e.message);
  if (m === null) return void 0;
  const cgroup2 = m[1].startsWith("Memory cgroup");
  return make("oom_kill", "critical", `OOM killer killed ${m[3]} (pid ${m[2]})${cgroup2 ? " in a memory cgroup" : ""}`, { pid: m[2], comm: m[3], scope: cgroup2 ? "cgroup" : "system" }, e);
};
var detectHungTask = (e) => {
  const m = /task (.+):(\d+) blocked for more than (\d+) seconds/.exec(e.message);
  if (m === null) return void 0;
  return make("hung_task", "warning", `task ${m[1]} (pid ${m[2]}) blocked for more than ${m[3]} s`, { comm: m[1], pid: m[2], seconds: m[3] }, e);
};
var detectIoError = (e) => {
  const msg = e.message;
  let m = /(?:critical \w+ error|I\/O error), dev ([\w.-]+), sector (\d+)/.exec(msg);
  if (m !== null) return make("io_error", "critical", `I/O error on ${m[1]} at sector ${m[2]}`, { device: m[1], sector: m[2] }, e);
  m = /Buffer I\/O error on dev(?:ice)? ([\w.-]+)/.exec(msg);
  if (m !== null) return make("io_error", "critical", `buffer I/O error on ${m[1]}`, { device: m[1] }, e);
  m = /(EXT[234]-fs|BTRFS) error \(device ([\w.-]+)\)/.exec(msg) ?? /(XFS) \(([\w.-]+)\): .*(?:I\/O error|[Cc]orruption)/.exec(msg);
  if (m !== null) return make("io_error", "critical", `${m[1]} error on ${m[2]}`, { device: m[2], filesystem: m[1] }, e);
  return void 0;
};
var detectLockup = (e) => {
  let m = /soft lockup - CPU#(\d+) stuck for (\d+)s! \[(.*?):(\d+)\]/.exec(e.message);
  if (m !== null) {
    return make("soft_lockup", "critical", `soft lockup on CPU ${m[1]} for ${m[2]} s (${m[3]}, pid ${m[4]})`, { cpu: m[1], seconds: m[2], comm: m[3], pid: m[4] }, e);
  }
  m = /(?:Watchdog detected hard LOCKUP|hard LOCKUP) on cpu (\d+)/i.exec(e.message);
  if (m !== null) return make("hard_lockup", "critical", `hard lockup on CPU ${m[1]}`, { cpu: m[1] }, e);
  return void 0;
};
var detectSegfault = (e) => {
  const m = /^(.+?)\[(\d+)\]: segfault at ([0-9a-f]+) ip ([0-9a-f]+)/.exec(e.message);
  if (m === null) return void 0;
  return make("segfault", "warning", `${m[1]} (pid ${m[2]}) segfaulted at address 0x${m[3]}`, { comm: m[1], pid: m[2], address: m[3] }, e);
};
var detectServiceFailure = (e) => {
  let m = /^([\w@.\\:-]+\.(?:service|socket|mount|timer)): Failed with result '([^']+)'/.exec(e.message);
  if (m !== null) return make("service_failure", "critical", `${m[1]} failed (${m[2]})`, { unit: m[1], result: m[2] }, e);
  m = /^Failed to start (.+?)\.?$/.exec(e.message);
  if (m !== null && (e.identifier === "systemd" || e.unit !== void 0 || e.fields?.["_TRANSPORT"] === "journal")) {
    const unit = /^([\w@.\\:-]+\.(?:service|socket|mount|timer))/.exec(m[1])?.[1] ?? e.fields?.["UNIT"] ?? m[1];
    return make("service_failure", "critical", `failed to start ${m[1]}`, { unit, result: "start" }, e);
  }
  return void 0;
};
var defaultLogDetectors = Object.freeze([
  detectOomKill,
  detectHungTask,
  detectIoError,
  detectLockup,
  detectSegfault,
  detectServiceFailure
]);

// ../../packages/telemetry/src/LogAnalyzer.ts
import { spawn } from "child_process";
import { closeSync as closeSync3, constants, openSync as openSync3, readSync as readSync2 } from "fs";
import { createInterface } from "readline";
import { Subject as Subject2 } from "rxjs";
var LogAnalyzer = class {
  files;
  detectors;
  events = new Subject2();
  detections = new Subject2();
  options;
  kmsgFd;
  timer;
  journal;
  buf = Buffer.alloc(16 * 1024);
  partial = "";
  bootTimeMs;
  st = /* @__PURE__ */ new Map();
  /** Records the kernel overwrote before they could be read. */
  lostRecords = 0;
  /** Every parsed event. */
  events$ = this.events.asObservable();
  /** Every detection. */
  detections$ = this.detections.asObservable();
  constructor(options = {}) {
    this.options = options;
    this.files = new KernelFiles(options.root);
    this.detectors = options.detectors ?? defaultLogDetectors;
    this.bootTimeMs = options.bootTimeMs ?? 0;
  }
  /** Runs the detectors on an event, emits both, and returns the detections. */
  ingest(event) {
    this.events.next(event);
    const found = [];
    for (const d2 of this.detectors) {
      const r = d2(event);
      if (r !== void 0) {
        found.push(r);
        this.detections.next(r);
      }
    }
    return found;
  }
  /** Parses kmsg text (one or more records, as read from `/dev/kmsg`) and ingests each record. */
  ingestKmsg(text2) {
    const out = [];
    for (const rec of this.splitRecords(text2)) {
      try {
        out.push(...this.ingest(parseKmsgRecord(rec, this.bootTimeMs, this.files.path("dev/kmsg"))));
      } catch {
      }
    }
    return out;
  }
  splitRecords(text2) {
    const data = this.partial + text2;
    const lines = data.split("\n");
    this.partial = lines.pop() ?? "";
    const recs = [];
    for (const line of lines) {
      if (line.startsWith(" ") && recs.length > 0) recs[recs.length - 1] += `
${line}`;
      else if (line !== "") recs.push(line);
    }
    return recs;
  }
  /** Availability of the `log.kmsg` and `log.journal` inputs. */
  status() {
    return [...this.st.values()];
  }
  /** Opens the inputs and starts following them. Idempotent. */
  start() {
    if (this.timer !== void 0 || this.journal !== void 0) return;
    if (this.options.bootTimeMs === void 0) {
      const stat = this.files.tryRead("proc/stat");
      const btime = stat === void 0 ? void 0 : parseProcStat(stat).bootTime;
      this.bootTimeMs = btime === void 0 ? 0 : btime * 1e3;
    }
    if (this.options.kmsg !== false) this.openKmsg();
    const j = this.options.journal ?? true;
    if (j !== false) this.openJournal(j === true ? { command: "journalctl", args: ["-o", "json", "-f", "-n", "0", "--no-pager"] } : j);
  }
  openKmsg() {
    const rel = "dev/kmsg";
    const path = this.files.path(rel);
    try {
      this.kmsgFd = openSync3(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      const e = fsError(err, path, rel);
      this.st.set("log.kmsg", { id: "log.kmsg", available: false, reason: e.message, code: e.code });
      return;
    }
    this.st.set("log.kmsg", { id: "log.kmsg", available: true });
    this.drain(this.options.replay === true, Number.MAX_SAFE_INTEGER);
    this.timer = setInterval(() => this.drain(true), this.options.pollIntervalMs ?? 250);
    this.timer.unref();
  }
  drain(emit, maxRecords = 1e4) {
    const fd = this.kmsgFd;
    if (fd === void 0) return;
    for (let i = 0; i < maxRecords; i++) {
      let n;
      try {
        n = readSync2(fd, this.buf, 0, this.buf.length, null);
      } catch (err) {
        const code = err.code;
        if (code === "EAGAIN") return;
        if (code === "EPIPE") {
          this.lostRecords += 1;
          continue;
        }
        this.st.set("log.kmsg", { id: "log.kmsg", available: false, reason: `reading ${this.files.path("dev/kmsg")} failed: ${String(code)}`, code: "ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE" });
        return;
      }
      if (n === 0) return;
      const text2 = this.buf.toString("utf8", 0, n);
      if (emit) this.ingestKmsg(text2);
      else this.splitRecords(text2);
    }
  }
  openJournal(cmd) {
    const child = spawn(cmd.command, [...cmd.args ?? []], { stdio: ["ignore", "pipe", "pipe"] });
    this.journal = child;
    this.st.set("log.journal", { id: "log.journal", available: true });
    let stderr = "";
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (d2) => {
      stderr = (stderr + d2).slice(-500);
    });
    child.on("error", (err) => {
      const reason = err.code === "ENOENT" ? `${cmd.command} not found: install systemd's journalctl, or pass journal: false to read /dev/kmsg only.` : `${cmd.command} failed to start (${String(err.code)}): check that it is executable.`;
      this.st.set("log.journal", { id: "log.journal", available: false, reason, code: "ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE" });
      this.journal = void 0;
    });
    child.on("exit", (code, signal) => {
      if (this.journal === child && signal === null) {
        this.st.set("log.journal", {
          id: "log.journal",
          available: false,
          reason: `${cmd.command} exited with code ${String(code)}${stderr === "" ? "" : `: ${stderr.trim()}`}; check that the journal is readable (root or the systemd-journal group).`,
          code: "ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE"
        });
      }
      if (this.journal === child) this.journal = void 0;
    });
    const rl = createInterface({ input: child.stdout });
    rl.on("line", (line) => {
      if (line.trim() === "") return;
      let ev2;
      try {
        ev2 = parseJournalEntry(line);
      } catch {
        return;
      }
      if (ev2 === void 0) return;
      if (this.kmsgFd !== void 0 && ev2.fields?.["_TRANSPORT"] === "kernel") return;
      this.ingest(ev2);
    });
  }
  /** Stops following; the observables stay open for a later `start()`. Idempotent. */
  stop() {
    if (this.timer !== void 0) clearInterval(this.timer);
    this.timer = void 0;
    if (this.kmsgFd !== void 0) closeSync3(this.kmsgFd);
    this.kmsgFd = void 0;
    this.partial = "";
    const j = this.journal;
    this.journal = void 0;
    j?.kill();
  }
  /** Stops and completes the observables. */
  close() {
    this.stop();
    this.events.complete();
    this.detections.complete();
  }
};

// ../../packages/telemetry/src/AlertManager.ts
import { Subject as Subject3 } from "rxjs";
var rank = { info: 0, warning: 1, critical: 2 };
function matches(labels, want) {
  return want === void 0 || Object.entries(want).every(([k, v]) => labels[k] === v);
}
function alertFromDetection(d2) {
  const labels = {};
  for (const k of ["device", "unit", "comm", "cpu", "scope"]) {
    const v = d2.details[k];
    if (v !== void 0) labels[k] = v;
  }
  return { name: d2.kind, severity: d2.severity, summary: d2.summary, labels, evidence: { logs: [d2.event], note: d2.summary }, timestamp: d2.event.timestamp || void 0 };
}
var AlertManager = class {
  sinks;
  groupBy;
  groupWaitMs;
  repeatIntervalMs;
  rate;
  maxEvidence;
  nowFn;
  alerts = /* @__PURE__ */ new Map();
  silences = /* @__PURE__ */ new Map();
  pending = /* @__PURE__ */ new Map();
  pendingTimer;
  microtaskQueued = false;
  sentAt = [];
  suppressed = 0;
  seq = 0;
  errorSubject = new Subject3();
  notifications = new Subject3();
  inflight = [];
  /** Sink failures. */
  errors$ = this.errorSubject.asObservable();
  /** Every notification that went out (after silences and rate limits). */
  notifications$ = this.notifications.asObservable();
  constructor(options = {}) {
    this.sinks = [...options.sinks ?? []];
    this.groupBy = options.groupBy ?? ["name"];
    this.groupWaitMs = options.groupWaitMs ?? 1e3;
    this.repeatIntervalMs = options.repeatIntervalMs ?? 36e5;
    this.rate = options.rateLimit ?? { max: 20, perMs: 6e4 };
    if (!(this.rate.max >= 1 && this.rate.perMs > 0)) {
      throw new TelemetryError("ERR_AINKA_TELEMETRY_INVALID_OPTION", `rateLimit ${JSON.stringify(this.rate)} is invalid: use max >= 1 and perMs > 0.`);
    }
    this.maxEvidence = options.maxEvidence ?? 20;
    this.nowFn = options.now ?? Date.now;
  }
  /** Adds a sink. */
  addSink(sink) {
    this.sinks.push(sink);
  }
  /**
   * Raises (or refreshes) an alert. A firing alert with the same name and labels is updated, not
   * duplicated; it is sent again only after `repeatIntervalMs` or when its severity rises.
   */
  raise(input) {
    const now = input.timestamp ?? this.nowFn();
    const labels = input.labels ?? {};
    const fingerprint = seriesKey({ name: input.name, labels });
    const existing = this.alerts.get(fingerprint);
    let notify;
    let a;
    if (existing !== void 0 && existing.status === "firing") {
      a = existing;
      const escalated = rank[input.severity] > rank[a.severity];
      a.occurrences += 1;
      a.lastSeenAt = Math.max(a.lastSeenAt, now);
      a.summary = input.summary;
      if (escalated) a.severity = input.severity;
      a.evidence = this.mergeEvidence(a.evidence, input.evidence);
      notify = escalated || now - a.lastSentAt >= this.repeatIntervalMs;
    } else {
      a = {
        name: input.name,
        severity: input.severity,
        summary: input.summary,
        labels,
        fingerprint,
        status: "firing",
        startsAt: now,
        lastSeenAt: now,
        occurrences: 1,
        silenced: false,
        evidence: this.mergeEvidence({}, input.evidence),
        lastSentAt: Number.NEGATIVE_INFINITY
      };
      this.alerts.set(fingerprint, a);
      notify = true;
    }
    a.silenced = this.isSilenced(a, now);
    if (notify && !a.silenced) this.enqueue(a);
    return this.view(a);
  }
  /** Marks the matching firing alert resolved and notifies (unless silenced). Returns it, if any. */
  resolve(name2, labels = {}) {
    const a = this.alerts.get(seriesKey({ name: name2, labels }));
    if (a === void 0 || a.status !== "firing") return void 0;
    const now = this.nowFn();
    a.status = "resolved";
    a.endsAt = now;
    a.silenced = this.isSilenced(a, now);
    if (!a.silenced) this.enqueue(a);
    this.alerts.delete(a.fingerprint);
    return this.view(a);
  }
  /** Silences matching alerts until `endsAt`; returns the silence id. */
  silence(input) {
    const id = `s${++this.seq}`;
    this.silences.set(id, { ...input, id, createdAt: this.nowFn() });
    return id;
  }
  /** Removes a silence. Returns false when the id is unknown. */
  unsilence(id) {
    return this.silences.delete(id);
  }
  /** Silences still in force. */
  activeSilences() {
    const now = this.nowFn();
    return [...this.silences.values()].filter((s) => s.endsAt > now);
  }
  /** Firing alerts (silenced ones included, flagged). */
  active() {
    return [...this.alerts.values()].map((a) => this.view(a));
  }
  isSilenced(a, now) {
    for (const s of this.silences.values()) {
      if (s.endsAt <= now) continue;
      if ((s.name === void 0 || s.name === a.name) && matches(a.labels, s.labels)) return true;
    }
    return false;
  }
  mergeEvidence(a, b) {
    const series = [...a.series ?? [], ...b.series ?? []].slice(-this.maxEvidence);
    const logs = [...a.logs ?? [], ...b.logs ?? []].slice(-this.maxEvidence);
    const note = b.note ?? a.note;
    return { ...series.length > 0 ? { series } : {}, ...logs.length > 0 ? { logs } : {}, ...note === void 0 ? {} : { note } };
  }
  view(a) {
    const { lastSentAt: _ignored, ...rest } = a;
    return { ...rest, labels: { ...a.labels } };
  }
  enqueue(a) {
    const groupLabels = {};
    for (const k of this.groupBy) {
      const v = k === "name" ? a.name : a.labels[k];
      if (v !== void 0) groupLabels[k] = v;
    }
    const key = seriesKey({ name: "", labels: groupLabels });
    let g2 = this.pending.get(key);
    if (g2 === void 0) {
      g2 = { labels: groupLabels, alerts: /* @__PURE__ */ new Map() };
      this.pending.set(key, g2);
    }
    g2.alerts.set(a.fingerprint, a);
    if (this.groupWaitMs <= 0) {
      if (!this.microtaskQueued) {
        this.microtaskQueued = true;
        queueMicrotask(() => {
          this.microtaskQueued = false;
          void this.flush();
        });
      }
    } else if (this.pendingTimer === void 0) {
      this.pendingTimer = setTimeout(() => {
        this.pendingTimer = void 0;
        void this.flush();
      }, this.groupWaitMs);
      this.pendingTimer.unref();
    }
  }
  /** Sends every pending group now and waits for the sinks. */
  async flush() {
    if (this.pendingTimer !== void 0) clearTimeout(this.pendingTimer);
    this.pendingTimer = void 0;
    const groups = [...this.pending.values()];
    this.pending.clear();
    const now = this.nowFn();
    for (const g2 of groups) {
      this.sentAt = this.sentAt.filter((t) => now - t < this.rate.perMs);
      if (this.sentAt.length >= this.rate.max) {
        this.suppressed += 1;
        continue;
      }
      this.sentAt.push(now);
      for (const a of g2.alerts.values()) a.lastSentAt = now;
      const n = { groupLabels: g2.labels, alerts: [...g2.alerts.values()].map((a) => this.view(a)), suppressed: this.suppressed, timestamp: now };
      this.suppressed = 0;
      this.notifications.next(n);
      for (const sink of this.sinks) {
        const p = (async () => {
          try {
            await sink.send(n);
          } catch (error) {
            this.errorSubject.next({ sink: sink.name, error });
          }
        })();
        this.inflight.push(p);
      }
    }
    const all = this.inflight;
    this.inflight = [];
    await Promise.all(all);
  }
  /** Sends what is pending and completes the observables. */
  async close() {
    await this.flush();
    this.errorSubject.complete();
    this.notifications.complete();
  }
};

// ../../packages/telemetry/src/PrometheusExporter.ts
import { Counter, Gauge, Registry } from "prom-client";
function prometheusName(name2, unit, prefix = "ainka") {
  let base = `${prefix}_${name2.replace(/\./g, "_")}`.replace(/[^a-zA-Z0-9_:]/g, "_");
  let scale = 1;
  if (unit === "percent") {
    base += "_ratio";
    scale = 0.01;
  } else if (unit === "total" && !base.endsWith("_total")) base += "_total";
  return { name: base, scale };
}
var PrometheusExporter = class {
  /** The registry to serve (`await registry.metrics()`). */
  registry;
  prefix;
  staleAfterMs;
  nowFn;
  families = /* @__PURE__ */ new Map();
  up;
  statuses = [];
  constructor(options = {}) {
    this.registry = options.registry ?? new Registry();
    this.prefix = options.prefix ?? "ainka";
    this.staleAfterMs = options.staleAfterMs ?? 6e5;
    this.nowFn = options.now ?? Date.now;
    const self = this;
    this.up = new Gauge({
      name: `${this.prefix}_telemetry_source_up`,
      help: "Whether an AINKA telemetry source is producing data (1) or unavailable (0).",
      labelNames: ["source"],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const s of self.statuses) this.set({ source: s.id }, s.available ? 1 : 0);
      }
    });
  }
  /** Records source availability for `ainka_telemetry_source_up`. */
  setSourceStatus(statuses) {
    this.statuses = [...statuses];
  }
  /** Takes the samples of one tick. */
  update(samples) {
    const now = this.nowFn();
    const byName2 = /* @__PURE__ */ new Map();
    for (const s of samples) {
      let list = byName2.get(s.name);
      if (list === void 0) byName2.set(s.name, list = []);
      list.push(s);
    }
    for (const [name2, list] of byName2) {
      const first = list[0];
      let fam = this.families.get(name2);
      const labelNames = new Set(fam?.labelNames ?? getMetricDefinition(name2)?.labels ?? []);
      for (const s of list) for (const k of Object.keys(s.labels ?? {})) labelNames.add(k);
      if (fam === void 0 || labelNames.size !== fam.labelNames.length) {
        if (fam !== void 0) this.registry.removeSingleMetric(fam.promName);
        fam = this.createFamily(name2, first.unit, getMetricDefinition(name2), [...labelNames]);
        this.families.set(name2, fam);
      }
      const series = /* @__PURE__ */ new Map();
      for (const s of list) series.set(seriesKey(s), s);
      fam.series = series;
      fam.updatedAt = now;
    }
    for (const [name2, fam] of this.families) {
      if (now - fam.updatedAt > this.staleAfterMs) {
        this.registry.removeSingleMetric(fam.promName);
        this.families.delete(name2);
      }
    }
  }
  createFamily(name2, unit, def, labelNames) {
    const { name: promName, scale } = prometheusName(name2, unit, this.prefix);
    const counter = unit === "total";
    const help = `${def?.help ?? `AINKA metric ${name2}`} (${name2}${def === void 0 ? "" : `, from ${def.source}`})`;
    const fam = { promName, scale, counter, labelNames, series: /* @__PURE__ */ new Map(), updatedAt: 0, metric: void 0 };
    const fill = (set) => {
      for (const s of fam.series.values()) set({ ...s.labels ?? {} }, s.value * scale);
    };
    fam.metric = counter ? new Counter({
      name: promName,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        fill((l, v) => this.inc(l, Math.max(0, v)));
      }
    }) : new Gauge({
      name: promName,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        fill((l, v) => this.set(l, v));
      }
    });
    return fam;
  }
  /** The exposition text. */
  metrics() {
    return this.registry.metrics();
  }
  /** The exposition content type. */
  get contentType() {
    return this.registry.contentType;
  }
  /** A `node:http` request handler serving the exposition on any path. */
  handler() {
    return (_req, res) => {
      this.metrics().then(
        (text2) => {
          res.setHeader("content-type", this.contentType);
          res.end(text2);
        },
        (err) => {
          res.statusCode = 500;
          res.end(String(err));
        }
      );
    };
  }
};

// src/main.ts
import { Command, Option } from "commander";
import { createWriteStream as createWriteStream2, existsSync as existsSync4, mkdirSync as mkdirSync6 } from "fs";
import { join as join8 } from "path";

// src/errors.ts
var DaemonError = class extends Error {
  /** Stable error code. */
  code;
  constructor(code, message, options) {
    super(message, options);
    this.name = "DaemonError";
    this.code = code;
  }
};
function describeError(err) {
  if (err instanceof Error) {
    const code = err.code;
    return { code: typeof code === "string" ? code : "ERR_AINKA_DAEMON_INTERNAL", message: err.message };
  }
  return { code: "ERR_AINKA_DAEMON_INTERNAL", message: String(err) };
}

// src/apiHandlers.ts
function str(params, key, required = true) {
  const v = params[key];
  if (typeof v === "string" && v !== "") return v;
  if (required) throw new DaemonError("ERR_AINKA_DAEMON_BAD_REQUEST", `parameter "${key}" (a string) is required`);
  return void 0;
}
function apiHandlers(d2, metricsUrl) {
  const h = /* @__PURE__ */ new Map();
  h.set("status", () => d2.status(metricsUrl()));
  h.set("snapshot", () => d2.snapshot(metricsUrl()));
  h.set("advise", () => ({ mode: d2.config.mode, advice: d2.actions.advice(Date.now(), 10 * 6e4) }));
  h.set("actions", () => ({ actions: d2.actions.all(), managed: d2.actions.manager.managed(), released: d2.actions.manager.released(), journal: d2.actions.manager.history().slice(-100) }));
  h.set("explain", (p) => {
    const id = str(p, "id");
    const action3 = d2.actions.find(id);
    if (action3 !== void 0) return { kind: "action", action: action3 };
    const anomaly = d2.anomalies.find(id);
    if (anomaly !== void 0) {
      const key = anomaly.series;
      return { kind: "anomaly", anomaly, recent: d2.windows.points(key, anomaly.at - 6e4).slice(-120) };
    }
    const alert = d2.alerts.find(id);
    if (alert !== void 0) return { kind: "alert", alert };
    const change = d2.actions.manager.history().find((c) => `#${c.id}` === id || String(c.id) === id);
    if (change !== void 0) return { kind: "change", change };
    throw new DaemonError("ERR_AINKA_DAEMON_NOT_FOUND", `nothing is called ${id}: use an action id (D3), an anomaly id (A7), an alert fingerprint (see ainka anomalies) or a journal change id (#12) from \`ainka advise\`, \`ainka anomalies\` or \`ainka status\`.`);
  });
  h.set("anomalies", (p) => ({ anomalies: p.all === true ? d2.anomalies.all() : d2.anomalies.activeRecords(), alerts: d2.alerts.active() }));
  h.set("forecast", (p) => d2.forecast(str(p, "metric")));
  h.set("history", (p) => {
    const since = typeof p.since === "number" ? p.since : Date.now() - 36e5;
    return d2.historyOf(str(p, "metric"), since);
  });
  h.set("policy.list", () => ({ policies: d2.policy.list() }));
  h.set("policy.validate", (p) => d2.policy.validate(str(p, "text"), str(p, "source", false) ?? "request"));
  h.set("policy.apply", (p) => ({ policies: d2.applyPolicy(str(p, "text"), str(p, "source", false) ?? "request") }));
  h.set("rollback", async (p) => {
    const id = str(p, "id", false);
    const r = await d2.actions.rollback(p.all === true ? { all: true } : { id: id ?? "" });
    for (const o of r.outcomes) d2.log.info({ event: "rollback", outcome: o }, o.line);
    return r;
  });
  return h;
}

// src/apiServer.ts
import { chmodSync, existsSync, mkdirSync, unlinkSync } from "fs";
import { connect, createServer } from "net";
import { dirname } from "path";
var MAX_LINE = 1024 * 1024;
function socketAlive(path) {
  return new Promise((resolve3) => {
    const s = connect(path);
    s.once("connect", () => {
      s.destroy();
      resolve3(true);
    });
    s.once("error", () => resolve3(false));
  });
}
var ApiServer = class _ApiServer {
  constructor(path, handlers) {
    this.path = path;
    this.handlers = handlers;
    this.server = createServer((sock) => this.onConnection(sock));
  }
  path;
  handlers;
  server;
  sockets = /* @__PURE__ */ new Set();
  /** Create the socket (replacing a stale one) and listen. */
  static async listen(path, mode4, handlers) {
    mkdirSync(dirname(path), { recursive: true, mode: 488 });
    if (existsSync(path)) {
      if (await socketAlive(path)) {
        throw new DaemonError("ERR_AINKA_DAEMON_SOCKET_IN_USE", `another ainkad already listens on ${path}; stop it (systemctl stop ainkad) or set api.socket to another path.`);
      }
      unlinkSync(path);
    }
    const api = new _ApiServer(path, handlers);
    const old = process.umask(127);
    try {
      await new Promise((resolve3, reject) => {
        api.server.once("error", reject);
        api.server.listen(path, () => resolve3());
      });
    } finally {
      process.umask(old);
    }
    chmodSync(path, mode4);
    return api;
  }
  onConnection(sock) {
    this.sockets.add(sock);
    sock.setEncoding("utf8");
    let buf = "";
    sock.on("data", (chunk) => {
      buf += chunk;
      if (buf.length > MAX_LINE && buf.indexOf("\n") < 0) {
        sock.end(`${JSON.stringify({ id: 0, ok: false, error: { code: "ERR_AINKA_DAEMON_BAD_REQUEST", message: `request longer than ${MAX_LINE} bytes` } })}
`);
        return;
      }
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim() !== "") void this.answer(sock, line);
      }
    });
    sock.on("error", () => void 0);
    sock.on("close", () => this.sockets.delete(sock));
  }
  async answer(sock, line) {
    let id = 0;
    let reply;
    try {
      const req = JSON.parse(line);
      if (typeof req !== "object" || req === null || typeof req.method !== "string") throw new DaemonError("ERR_AINKA_DAEMON_BAD_REQUEST", 'a request is {"id": n, "method": "...", "params": {...}} on one line');
      id = typeof req.id === "number" ? req.id : 0;
      const h = this.handlers.get(req.method);
      if (h === void 0) throw new DaemonError("ERR_AINKA_DAEMON_BAD_REQUEST", `unknown method ${req.method}; known: ${[...this.handlers.keys()].join(", ")}`);
      const params = typeof req.params === "object" && req.params !== null ? req.params : {};
      reply = { id, ok: true, result: await h(params) };
    } catch (err) {
      reply = { id, ok: false, error: describeError(err) };
    }
    if (!sock.destroyed) sock.write(`${JSON.stringify(reply)}
`);
  }
  /** Stop listening, drop connections and remove the socket file. */
  async close() {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve3) => this.server.close(() => resolve3()));
    try {
      unlinkSync(this.path);
    } catch {
    }
  }
};

// src/config.ts
import { readFileSync } from "fs";
import { Document, parse as parseYaml, isMap, isScalar } from "yaml";
import { z } from "zod";
var mode = z.enum(["advise", "enforce"]);
var daemonConfigSchema = z.object({
  mode: mode.default("advise"),
  stateDir: z.string().min(1).nullable().default(null),
  root: z.string().min(1).default("/"),
  telemetry: z.object({
    intervalMs: z.number().int().min(10).max(6e4).default(1e3),
    procRoot: z.string().min(1).default("/"),
    processes: z.object({ enabled: z.boolean().default(true), topN: z.number().int().min(1).max(1e3).default(10), intervalMs: z.number().int().min(100).default(5e3) }).strict().prefault({}),
    cgroups: z.object({ enabled: z.boolean().default(true), maxDepth: z.number().int().min(0).max(8).default(2), maxCgroups: z.number().int().min(1).max(4096).default(64) }).strict().prefault({}),
    replay: z.string().min(1).nullable().default(null),
    replayLoop: z.boolean().default(false),
    ebpf: z.enum(["auto", "off"]).default("auto")
  }).strict().prefault({}),
  kernel: z.object({ module: z.enum(["auto", "off"]).default("auto") }).strict().prefault({}),
  logs: z.object({ enabled: z.boolean().default(true), journal: z.boolean().default(true) }).strict().prefault({}),
  history: z.object({
    enabled: z.boolean().default(true),
    retentionHours: z.number().positive().max(24 * 366).default(6),
    maxMegabytes: z.number().positive().default(256),
    flushIntervalMs: z.number().int().min(100).default(5e3)
  }).strict().prefault({}),
  ml: z.object({
    anomaly: z.object({
      enabled: z.boolean().default(true),
      threshold: z.number().min(0).max(1).default(0.9),
      warmup: z.number().int().min(1).default(60),
      maxSeries: z.number().int().min(1).default(5e3),
      exclude: z.array(z.string()).default(["*_total", "process.*", "*.info"])
    }).strict().prefault({}),
    windowPoints: z.number().int().min(10).max(1e5).default(300),
    forecastHorizonSeconds: z.number().positive().default(600)
  }).strict().prefault({}),
  layers: z.object({
    immediateBudgetMs: z.number().positive().default(1),
    fastBudgetMs: z.number().positive().default(100),
    deepIntervalMs: z.number().int().min(100).default(3e4),
    deepBudgetMs: z.number().positive().default(1e4)
  }).strict().prefault({}),
  policy: z.object({
    builtin: z.boolean().default(true),
    packs: z.array(z.string()).default(["memory-pressure"]),
    files: z.array(z.string()).default([])
  }).strict().prefault({}),
  actions: z.object({
    rollbackOnExit: z.boolean().default(true),
    recovery: z.enum(["revert", "complete"]).default("revert"),
    maxPerMinute: z.number().int().min(0).default(6),
    cooldownSeconds: z.number().min(0).default(60),
    adminCheckIntervalMs: z.number().int().min(100).default(3e4)
  }).strict().prefault({}),
  api: z.object({
    socket: z.string().min(1).nullable().default(null),
    socketMode: z.string().regex(/^0?[0-7]{3}$/).default("0660")
  }).strict().prefault({}),
  metrics: z.object({
    enabled: z.boolean().default(true),
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(9464)
  }).strict().prefault({}),
  log: z.object({
    level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    live: z.boolean().default(false),
    liveIntervalMs: z.number().int().min(100).default(2e3)
  }).strict().prefault({})
}).strict();
var docs = {
  mode: "advise (default): propose changes, write nothing. enforce: apply the actions of policies whose own mode is enforce.",
  stateDir: "SQLite history, change journal and applied policies. null: /var/lib/ainka as root, else ~/.local/state/ainka.",
  root: "Root of the file tree actions write under (/ on a live machine; a temporary tree in tests).",
  telemetry: "Collectors (@ainka/telemetry), one tick drives them all.",
  "telemetry.intervalMs": "Tick interval.",
  "telemetry.procRoot": "Root the collectors read /proc and /sys under.",
  "telemetry.processes": "Top-N processes by CPU (the costliest collector; its own interval).",
  "telemetry.cgroups": "cgroup v2 (or v1) per-cgroup statistics, breadth-first to maxDepth.",
  "telemetry.replay": "Path of a recorded stream (JSON lines written by `ainkad record`) to replay instead of the live machine.",
  "telemetry.replayLoop": "Start the recording again when it ends.",
  "telemetry.ebpf": "auto: use the eBPF programs (@ainka/ebpf) when root and BPF allow it; off: never.",
  kernel: "The AINKA kernel module (@ainka/ipc): the immediate decision layer (policy cache).",
  "kernel.module": "auto: use it when loaded; off: never.",
  logs: "Kernel log analysis (@ainka/telemetry LogAnalyzer): OOM kills, hung tasks, I/O errors, lockups, segfaults and unit failures become alerts.",
  "logs.enabled": "Read /dev/kmsg (needs root or CAP_SYSLOG; reported unavailable otherwise).",
  "logs.journal": "Also follow `journalctl -o json -f` when journalctl exists.",
  history: "Embedded SQLite history (<stateDir>/history.db).",
  "history.retentionHours": "Raw samples older than this are deleted.",
  "history.maxMegabytes": "On-disk bound of the database; oldest samples go first.",
  "history.flushIntervalMs": "Samples are inserted in one transaction per flush.",
  ml: "Per-series anomaly detection, forecasts and capacity (@ainka/ml).",
  "ml.anomaly.threshold": "Score in [0, 1] from which a point is reported as an anomaly.",
  "ml.anomaly.warmup": "Samples each series learns from before it can be anomalous.",
  "ml.anomaly.maxSeries": "At most this many series get a detector (memory bound).",
  "ml.anomaly.exclude": "Glob patterns (* wildcard) of series names left out of detection.",
  "ml.windowPoints": "Recent points kept in memory per series (top, explain, forecasts).",
  "ml.forecastHorizonSeconds": "How far ahead forecasts and capacity estimates look.",
  layers: "The three decision layers: immediate (kernel policy cache), fast (userspace rules on every tick), deep (retraining).",
  "layers.immediateBudgetMs": "Budget of the kernel policy cache's evaluation per sample (its own eval-ns counters); overruns are counted and logged.",
  "layers.fastBudgetMs": "Sample-to-decision budget of the fast layer; overruns are counted and logged.",
  "layers.deepIntervalMs": "How often the deep layer (model refits, forecasts, capacity) runs.",
  "layers.deepBudgetMs": "Budget of one deep cycle; overruns are counted and logged.",
  policy: "Policies the fast layer evaluates.",
  "policy.builtin": "Load the built-in policy pack (cpu-saturation, memory-growth, writeback-pressure, io-pressure).",
  "policy.packs": "Shipped @ainka/policy packs to load: throughput, latency, balanced, powersave, memory-pressure, network-under-loss.",
  "policy.files": "Extra policy files (YAML); `ainka policy apply` adds to <stateDir>/policies.",
  actions: "Journaled, reversible changes (@ainka/actuators).",
  "actions.rollbackOnExit": "Roll back this session's changes on shutdown (and after a crash, on the next start).",
  "actions.recovery": "What to do on start with a change a crash interrupted: revert or complete.",
  "actions.cooldownSeconds": "The same knob is not proposed or changed again within this time (one line per decision, not per tick).",
  "actions.maxPerMinute": "Rate limit of applied (enforced) changes.",
  "actions.adminCheckIntervalMs": "How often managed knobs are checked for writes by someone else.",
  api: "Local API: JSON lines on a Unix socket.",
  "api.socket": "null: /run/ainka/ainkad.sock as root, else $XDG_RUNTIME_DIR/ainka/ainkad.sock (or in stateDir).",
  "api.socketMode": "File mode of the socket (0660: owner and group). This is the access check: whoever can open the socket can use the API (Node exposes no SO_PEERCRED).",
  metrics: "Prometheus exposition (GET /metrics).",
  "metrics.host": "Listen address; keep it on loopback.",
  "metrics.port": "Listen port (0: any free port, printed at start).",
  log: "Structured logs (pino, JSON on stdout).",
  "log.live": "Print a human-readable live view (what AINKA sees and would do) on stderr."
};
function parseDaemonConfig(input, source = "config") {
  const r = daemonConfigSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new DaemonError(
    "ERR_AINKA_DAEMON_CONFIG_INVALID",
    `${source} is invalid:
${lines.join("\n")}
fix these keys (\`ainkad --print-default-config\` shows every key with its default and meaning).`
  );
}
function loadDaemonConfig(path) {
  let text2;
  try {
    text2 = readFileSync(path, "utf8");
  } catch (err) {
    throw new DaemonError("ERR_AINKA_DAEMON_CONFIG_UNREADABLE", `cannot read config ${path}: ${err.message}; fix the path or omit --config to use the defaults.`, { cause: err });
  }
  let data;
  try {
    data = parseYaml(text2);
  } catch (err) {
    throw new DaemonError("ERR_AINKA_DAEMON_CONFIG_INVALID", `config ${path} is not valid YAML: ${err.message}`, { cause: err });
  }
  return parseDaemonConfig(data, `config ${path}`);
}
function annotate(node, prefix) {
  if (!isMap(node)) return;
  for (const pair of node.items) {
    if (!isScalar(pair.key)) continue;
    const path = prefix === "" ? String(pair.key.value) : `${prefix}.${String(pair.key.value)}`;
    const doc = docs[path];
    if (doc !== void 0) pair.key.commentBefore = ` ${doc}`;
    annotate(pair.value, path);
  }
}
function defaultConfigYaml() {
  const doc = new Document(daemonConfigSchema.parse({}));
  doc.commentBefore = " ainkad configuration. Every key is optional; these are the defaults.";
  annotate(doc.contents, "");
  return doc.toString({ lineWidth: 0 });
}

// ../../packages/ml/src/normal.ts
function erfc(x) {
  const z4 = Math.abs(x);
  const t = 1 / (1 + 0.5 * z4);
  const r = t * Math.exp(
    -z4 * z4 - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
  );
  return x >= 0 ? r : 2 - r;
}
function normalTail(z4) {
  return 0.5 * erfc(z4 / Math.SQRT2);
}

// ../../packages/ml/src/streamingDetector.ts
var DEFAULTS = {
  levelAlpha: 0.1,
  scaleAlpha: 0.01,
  dailyBuckets: 48,
  seasonAlpha: 0.3,
  seasonal: true,
  competence: 8,
  recordDecay: 0.9995,
  recordGrowth: 0.5,
  recordWeight: 1,
  spatialWeight: 6,
  spatialSigmas: 0,
  spatialSteps: 8,
  likelihoodWeight: 0,
  errorScale: 3,
  shortAlpha: 0.2,
  longAlpha: 0,
  contextWeight: 1,
  contextLevels: 8,
  contextLength: 2,
  contextBias: 4,
  contextAlpha: 5e-3,
  contextGrowth: 6,
  warmup: 100,
  suppressDecay: 0.995,
  outputScale: 10
};
var DAY_MS = 864e5;
var CONTEXT_SLOTS = 1024;
var StreamingAnomalyDetector = class {
  name = "ainka";
  #o;
  #n = 0;
  #firstT = 0;
  #level = 0;
  #prev = 0;
  #min = Infinity;
  #max = -Infinity;
  #scale = 0;
  #stepScale = 0;
  #season;
  #seasonSeen;
  #seasonScale = 0;
  #short = 0;
  #longMean = 0;
  #longVar = 0;
  #maxErr = 0;
  #maxZ = 0;
  #context = 0;
  #novelRate = 0.5;
  #contexts = new Uint8Array(CONTEXT_SLOTS);
  #peak = 0;
  #contextModulus;
  constructor(options = {}) {
    this.#o = { ...DEFAULTS, ...options };
    this.#contextModulus = Math.pow(this.#o.contextLevels, this.#o.contextLength + 1);
    this.#season = new Float64Array(this.#o.dailyBuckets);
    this.#seasonSeen = new Uint8Array(this.#o.dailyBuckets);
  }
  /**
   * Consume one observation and score it (0 during the warm-up, and whenever the point does not beat
   * the decayed previous alert).
   * @param t - timestamp in milliseconds since the epoch (drives the daily seasonal model)
   * @param x - the observed value; non-finite values are ignored and score 0
   */
  update(t, x) {
    const o = this.#o;
    if (!Number.isFinite(x)) return { score: 0, explanation: { reason: `non-finite value ${x} ignored` } };
    if (this.#n === 0) {
      this.#level = x;
      this.#prev = x;
      this.#min = x;
      this.#max = x;
      this.#firstT = t;
      this.#n = 1;
      return { score: 0, explanation: { reason: "first observation", expected: x } };
    }
    const n = this.#n;
    const sa = Math.max(o.scaleAlpha, 1 / n);
    const la = Math.max(o.longAlpha, 1 / n);
    const expected = this.#level;
    const range = this.#max - this.#min;
    const floor = 1e-9 + 1e-6 * Math.abs(expected) + 1e-3 * range;
    const e1 = Math.abs(x - expected) / (this.#scale + floor);
    const e2 = Math.abs(x - this.#prev) / (this.#stepScale + floor);
    const b = Math.floor((t % DAY_MS + DAY_MS) % DAY_MS / (DAY_MS / o.dailyBuckets));
    const seen = this.#seasonSeen[b];
    const seasonal = o.seasonal && t - this.#firstT >= 2 * DAY_MS;
    const sExpected = seen > 0 ? this.#season[b] : expected;
    const e3abs = Math.abs(x - sExpected);
    const e3 = e3abs / (this.#seasonScale + floor);
    const bestScale = Math.min(this.#scale, this.#stepScale, seasonal ? this.#seasonScale : Infinity);
    const competent = o.competence * bestScale + floor;
    let err = Infinity;
    if (this.#scale <= competent) err = e1;
    if (this.#stepScale <= competent && e2 < err) err = e2;
    if (seasonal && this.#seasonScale <= competent && e3 < err) err = e3;
    if (!Number.isFinite(err)) err = Math.min(e1, e2);
    const beyond = x > this.#max ? x - this.#max : x < this.#min ? this.#min - x : 0;
    const margin = range * 0.1 + o.spatialSigmas * this.#scale + o.spatialSteps * this.#stepScale + floor;
    const spatial = beyond > 0 ? Math.min(1, beyond / margin) : 0;
    const raw = 1 - Math.exp(-err / o.errorScale);
    this.#short += Math.max(o.shortAlpha, 1 / n) * (raw - this.#short);
    const z4 = (this.#short - this.#longMean) / (Math.sqrt(this.#longVar) + 1e-4);
    const zPos = z4 > 0 ? z4 : 0;
    const d2 = this.#short - this.#longMean;
    this.#longMean += la * d2;
    this.#longVar = (1 - la) * (this.#longVar + la * d2 * d2);
    this.#scale += sa * (Math.abs(x - expected) - this.#scale);
    this.#stepScale += sa * (Math.abs(x - this.#prev) - this.#stepScale);
    this.#level += o.levelAlpha * (x - this.#level);
    this.#prev = x;
    if (seen === 0) this.#season[b] = x;
    else {
      this.#season[b] = sExpected + o.seasonAlpha * (x - sExpected);
      this.#seasonScale += sa * (e3abs - this.#seasonScale);
    }
    if (seen < 255) this.#seasonSeen[b] = seen + 1;
    if (x < this.#min) this.#min = x;
    if (x > this.#max) this.#max = x;
    this.#n = n + 1;
    const rErr = err / (this.#maxErr + 1e-9);
    const rZ = zPos / (this.#maxZ + 1e-9);
    if (this.#n >= o.warmup / 2) {
      const decay = o.recordGrowth > 0 ? Math.max(o.recordDecay, 1 - o.recordGrowth / this.#n) : o.recordDecay;
      this.#maxErr = Math.max(this.#maxErr * decay, err);
      this.#maxZ = Math.max(this.#maxZ * decay, zPos);
    }
    const levels = o.contextLevels;
    const span = this.#max - this.#min;
    const q = span > 0 ? Math.min(levels - 1, Math.floor(levels * (x - this.#min) / (span * 1.0000001))) : 0;
    this.#context = (this.#context * levels + q) % this.#contextModulus;
    const slot = (Math.imul(this.#context + 1, 2654435761) >>> 0) % CONTEXT_SLOTS;
    const count = this.#contexts[slot];
    let context = 0;
    if (this.#n > 50) {
      const novel = count === 0 ? 1 : 0;
      context = novel * Math.max(0, -Math.log(this.#novelRate + 1e-4) - o.contextBias);
      const rateAlpha = o.contextGrowth > 0 ? Math.min(o.contextAlpha, o.contextGrowth / this.#n) : o.contextAlpha;
      this.#novelRate += rateAlpha * (novel - this.#novelRate);
    }
    if (count < 255) this.#contexts[slot] = count + 1;
    const record2 = o.recordWeight * 10 * Math.max(0, rErr - 1, rZ - 1);
    const evidence = Math.max(record2, o.spatialWeight * 10 * spatial, o.contextWeight * context, o.likelihoodWeight * zPos);
    const combined = this.#n <= o.warmup ? 0 : 1 - Math.exp(-evidence / o.outputScale);
    const lo = this.#min;
    const hi = this.#max;
    this.#peak *= o.suppressDecay;
    let score2 = 0;
    if (combined > this.#peak) {
      score2 = combined;
      this.#peak = combined;
    }
    return new StreamingResult(score2, x, err, expected, evidence, record2, 10 * o.spatialWeight * spatial, spatial, context, z4, lo, hi, o.outputScale);
  }
};
var StreamingResult = class {
  constructor(score2, x, err, expected, evidence, record2, spatialEvidence, spatial, context, z4, lo, hi, outputScale) {
    this.score = score2;
    this.x = x;
    this.err = err;
    this.expected = expected;
    this.evidence = evidence;
    this.record = record2;
    this.spatialEvidence = spatialEvidence;
    this.spatial = spatial;
    this.context = context;
    this.z = z4;
    this.lo = lo;
    this.hi = hi;
    this.outputScale = outputScale;
  }
  score;
  x;
  err;
  expected;
  evidence;
  record;
  spatialEvidence;
  spatial;
  context;
  z;
  lo;
  hi;
  outputScale;
  get explanation() {
    const { x, err, expected, evidence, record: record2, spatialEvidence, context, lo, hi } = this;
    const base = `value ${x} is ${err.toFixed(1)} robust sigmas from the expected ${expected.toPrecision(6)}`;
    let reason = base;
    if (evidence > 0) {
      if (evidence === spatialEvidence) reason = `${base}; it leaves the range seen so far (${lo.toPrecision(6)} to ${hi.toPrecision(6)})`;
      else if (evidence === record2) reason = `${base}, the largest surprise in recent history`;
      else if (evidence === context) reason = `${base}; this sequence of values has not been seen before`;
      else reason = `${base}; surprises have been unusually frequent lately`;
    }
    return {
      reason,
      expected,
      components: {
        record: 1 - Math.exp(-record2 / this.outputScale),
        spatial: this.spatial,
        context: 1 - Math.exp(-context / this.outputScale),
        likelihood: 1 - normalTail(this.z)
      }
    };
  }
};

// ../../node_modules/ml-matrix/matrix.mjs
var matrix = __toESM(require_matrix(), 1);
var Matrix2 = matrix.Matrix;
var SVD2 = matrix.SVD;
var matrix_default = matrix.default.Matrix ? matrix.default.Matrix : matrix.Matrix;
var pseudoInverse2 = matrix.pseudoInverse;

// ../../node_modules/simple-statistics/dist/simple-statistics.mjs
function quantileSorted(x, p) {
  var idx = (x.length - 1) * p;
  if (x.length === 0) {
    throw new Error("quantile requires at least one data point.");
  } else if (p < 0 || p > 1) {
    throw new Error("quantiles must be between 0 and 1");
  } else if (p === 1) {
    return x[x.length - 1];
  } else if (p === 0) {
    return x[0];
  } else if (idx % 1 !== 0) {
    var lower = Math.floor(idx);
    var upper = Math.ceil(idx);
    var fraction = idx - lower;
    return x[lower] + fraction * (x[upper] - x[lower]);
  } else {
    return x[idx];
  }
}
function quickselect(arr, k, left, right) {
  left = left || 0;
  right = right || arr.length - 1;
  while (right > left) {
    if (right - left > 600) {
      var n = right - left + 1;
      var m = k - left + 1;
      var z4 = Math.log(n);
      var s = 0.5 * Math.exp(2 * z4 / 3);
      var sd = 0.5 * Math.sqrt(z4 * s * (n - s) / n);
      if (m - n / 2 < 0) {
        sd *= -1;
      }
      var newLeft = Math.max(left, Math.floor(k - m * s / n + sd));
      var newRight = Math.min(
        right,
        Math.floor(k + (n - m) * s / n + sd)
      );
      quickselect(arr, k, newLeft, newRight);
    }
    var t = arr[k];
    var i = left;
    var j = right;
    swap(arr, left, k);
    if (arr[right] > t) {
      swap(arr, left, right);
    }
    while (i < j) {
      swap(arr, i, j);
      i++;
      j--;
      while (arr[i] < t) {
        i++;
      }
      while (arr[j] > t) {
        j--;
      }
    }
    if (arr[left] === t) {
      swap(arr, left, j);
    } else {
      j++;
      swap(arr, j, right);
    }
    if (j <= k) {
      left = j + 1;
    }
    if (k <= j) {
      right = j - 1;
    }
  }
}
function swap(arr, i, j) {
  var tmp = arr[i];
  arr[i] = arr[j];
  arr[j] = tmp;
}
function quantile(x, p) {
  var copy = x.slice();
  if (Array.isArray(p)) {
    multiQuantileSelect(copy, p);
    var results = [];
    for (var i = 0; i < p.length; i++) {
      results[i] = quantileSorted(copy, p[i]);
    }
    return results;
  } else {
    var idx = quantileIndex(copy.length, p);
    quantileSelect(copy, idx, 0, copy.length - 1);
    return quantileSorted(copy, p);
  }
}
function quantileSelect(arr, k, left, right) {
  if (k % 1 === 0) {
    quickselect(arr, k, left, right);
  } else {
    k = Math.floor(k);
    quickselect(arr, k, left, right);
    quickselect(arr, k + 1, k + 1, right);
  }
}
function multiQuantileSelect(arr, p) {
  var positions = /* @__PURE__ */ new Set();
  for (var i = 0; i < p.length; i++) {
    var idx = quantileIndex(arr.length, p[i]);
    positions.add(Math.floor(idx));
    positions.add(Math.ceil(idx));
  }
  var indices = Array.from(positions).sort(compare);
  multiselect(arr, indices, 0, indices.length - 1, 0, arr.length - 1);
}
function multiselect(arr, indices, lo, hi, left, right) {
  if (lo > hi) {
    return;
  }
  var mid = lo + hi >> 1;
  quickselect(arr, indices[mid], left, right);
  multiselect(arr, indices, lo, mid - 1, left, indices[mid] - 1);
  multiselect(arr, indices, mid + 1, hi, indices[mid] + 1, right);
}
function compare(a, b) {
  return a - b;
}
function quantileIndex(len, p) {
  var idx = (len - 1) * p;
  if (p === 1) {
    return len - 1;
  } else if (p === 0) {
    return 0;
  } else if (idx % 1 !== 0) {
    return idx;
  } else {
    return idx;
  }
}
function median(x) {
  return +quantile(x, 0.5);
}
var BayesianClassifier = function BayesianClassifier2() {
  this.totalCount = 0;
  this.data = {};
};
BayesianClassifier.prototype.train = function train(item, category) {
  if (!this.data[category]) {
    this.data[category] = {};
  }
  for (var k in item) {
    var v = item[k];
    if (this.data[category][k] === void 0) {
      this.data[category][k] = {};
    }
    if (this.data[category][k][v] === void 0) {
      this.data[category][k][v] = 0;
    }
    this.data[category][k][v]++;
  }
  this.totalCount++;
};
BayesianClassifier.prototype.score = function score(item) {
  var odds = {};
  var category;
  for (var k in item) {
    var v = item[k];
    for (category in this.data) {
      if (odds[category] === void 0) {
        odds[category] = {};
      }
      if (this.data[category][k]) {
        odds[category][k + "_" + v] = (this.data[category][k][v] || 0) / this.totalCount;
      } else {
        odds[category][k + "_" + v] = 0;
      }
    }
  }
  var oddsSums = {};
  for (category in odds) {
    oddsSums[category] = 0;
    for (var combination in odds[category]) {
      oddsSums[category] += odds[category][combination];
    }
  }
  return oddsSums;
};
var g = 607 / 128;
var LOGSQRT2PI = Math.log(Math.sqrt(2 * Math.PI));
var SQRT_2PI$1 = Math.sqrt(2 * Math.PI);
function cumulativeDistribution(z4) {
  var sum2 = z4;
  var tmp = z4;
  for (var i = 1; i < 30; i++) {
    tmp *= z4 * z4 / (2 * i + 1);
    sum2 += tmp;
  }
  return Math.round((0.5 + sum2 / SQRT_2PI$1 * Math.exp(-z4 * z4 / 2)) * 1e4) / 1e4;
}
var standardNormalTable = [];
for (z4 = 0; z4 <= 3.09; z4 += 0.01) {
  standardNormalTable.push(cumulativeDistribution(z4));
}
var z4;
var SQRT_2PI = Math.sqrt(2 * Math.PI);
var PerceptronModel = function PerceptronModel2() {
  this.weights = [];
  this.bias = 0;
};
PerceptronModel.prototype.predict = function predict(features) {
  if (features.length !== this.weights.length) {
    return null;
  }
  var score2 = 0;
  for (var i = 0; i < this.weights.length; i++) {
    score2 += this.weights[i] * features[i];
  }
  score2 += this.bias;
  if (score2 > 0) {
    return 1;
  } else {
    return 0;
  }
};
PerceptronModel.prototype.train = function train2(features, label) {
  if (label !== 0 && label !== 1) {
    return null;
  }
  if (features.length !== this.weights.length) {
    this.weights = features.slice();
    this.bias = 1;
  }
  var prediction = this.predict(features);
  if (typeof prediction === "number" && prediction !== label) {
    var gradient = label - prediction;
    for (var i = 0; i < this.weights.length; i++) {
      this.weights[i] += gradient * features[i];
    }
    this.bias += gradient;
  }
  return this;
};

// ../../packages/ml/src/seasonality.ts
function autocorrelation(values, lag) {
  const n = values.length;
  if (lag <= 0 || lag >= n) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let den = 0;
  for (let i = 0; i < n; i++) den += (values[i] - mean) ** 2;
  if (den === 0) return 0;
  let num3 = 0;
  for (let i = lag; i < n; i++) num3 += (values[i] - mean) * (values[i - lag] - mean);
  return num3 / den;
}
function detectSeasonality(values, candidates, minStrength = 0.3) {
  let best;
  for (const period of candidates) {
    if (period < 2 || values.length < 2 * period) continue;
    const strength = autocorrelation(values, period);
    if (strength >= minStrength && (best === void 0 || strength > best.strength)) best = { period, strength };
  }
  return best;
}
function calendarPeriods(stepMs) {
  if (!(stepMs > 0)) return [];
  return [864e5, 7 * 864e5].map((p) => Math.round(p / stepMs)).filter((p) => p >= 2);
}

// ../../packages/ml/src/holtWinters.ts
var HoltWinters = class _HoltWinters {
  /** Seasonal period in rows (0: no season). */
  period;
  /** The smoothing parameters. */
  params;
  #level = 0;
  #trend = 0;
  #season;
  #t = 0;
  #ready = false;
  constructor(period, params) {
    this.period = period > 1 ? Math.floor(period) : 0;
    this.params = params;
    this.#season = new Float64Array(this.period);
  }
  /** Initialise from history (at least two periods when seasonal) and run through it. Returns the one-step SSE. */
  fit(history) {
    const m = this.period;
    const n = history.length;
    if (m > 0 && n >= 2 * m) {
      let a = 0;
      let b = 0;
      for (let i = 0; i < m; i++) {
        a += history[i];
        b += history[i + m];
      }
      a /= m;
      b /= m;
      const trend = this.params.beta > 0 ? (b - a) / m : 0;
      this.#level = a + trend * (m - 1) / 2;
      this.#trend = trend;
      for (let i = 0; i < m; i++) this.#season[i] = history[i] - (a + trend * (i - (m - 1) / 2));
      this.#t = m;
      this.#ready = true;
      let sse2 = 0;
      for (let i = m; i < n; i++) sse2 += this.update(history[i]) ** 2;
      return sse2 / Math.max(1, n - m);
    }
    this.#level = n > 0 ? history[0] : 0;
    this.#ready = n > 0;
    this.#t = 0;
    let sse = 0;
    for (let i = 1; i < n; i++) sse += this.update(history[i]) ** 2;
    return sse / Math.max(1, n - 1);
  }
  /** Consume the next value; returns the one-step forecast error (actual − forecast). */
  update(x) {
    if (!this.#ready) {
      this.#level = x;
      this.#ready = true;
      return 0;
    }
    const { alpha, beta, gamma, phi } = this.params;
    const m = this.period;
    const si = m > 0 ? this.#t % m : 0;
    const s = m > 0 ? this.#season[si] : 0;
    const forecast = this.#level + phi * this.#trend + s;
    const err = x - forecast;
    const prevLevel = this.#level;
    this.#level = prevLevel + phi * this.#trend + alpha * err;
    this.#trend = phi * this.#trend + beta * alpha * err;
    if (m > 0) this.#season[si] = s + gamma * (1 - alpha) * err;
    this.#t++;
    return err;
  }
  /** Point forecasts for the next `h` values. */
  forecast(h) {
    const out = [];
    const m = this.period;
    let damp = 0;
    let p = 1;
    for (let k = 1; k <= h; k++) {
      p *= this.params.phi;
      damp += p;
      const s = m > 0 ? this.#season[(this.#t + k - 1) % m] : 0;
      out.push(this.#level + damp * this.#trend + s);
    }
    return out;
  }
  /**
   * Fit a small grid of smoothing parameters on `history` and return the model with the lowest one-step
   * mean squared error, already run through the history (ETS-style parameter selection).
   */
  static select(history, period) {
    let best;
    let bestMse = Infinity;
    for (const alpha of [0.1, 0.3, 0.6, 0.9]) {
      for (const beta of [0, 0.05]) {
        for (const gamma of period > 1 ? [0.05, 0.2, 0.5] : [0]) {
          const hw = new _HoltWinters(period, { alpha, beta, gamma, phi: beta > 0 ? 0.98 : 1 });
          const mse = hw.fit(history);
          if (mse < bestMse) {
            bestMse = mse;
            best = hw;
          }
        }
      }
    }
    return best ?? new _HoltWinters(period, { alpha: 0.3, beta: 0, gamma: 0.1, phi: 0.95 });
  }
};

// ../../node_modules/ml-regression-multivariate-linear/src/index.js
var MultivariateLinearRegression = class _MultivariateLinearRegression {
  constructor(x, y, options = {}) {
    const { intercept = true, statistics = true } = options;
    this.statistics = statistics;
    if (x === true) {
      this.weights = y.weights;
      this.inputs = y.inputs;
      this.outputs = y.outputs;
      this.intercept = y.intercept;
    } else {
      x = new Matrix2(x);
      y = new Matrix2(y);
      if (intercept) {
        x.addColumn(new Array(x.rows).fill(1));
      }
      let xt = x.transpose();
      const xx = xt.mmul(x);
      const xy = xt.mmul(y);
      const invxx = new SVD2(xx).inverse();
      const beta = xy.transpose().mmul(invxx).transpose();
      this.weights = beta.to2DArray();
      this.inputs = x.columns;
      this.outputs = y.columns;
      if (intercept) this.inputs--;
      this.intercept = intercept;
      if (statistics) {
        const fittedValues = x.mmul(beta);
        const residuals = y.clone().addM(fittedValues.neg());
        const variance = residuals.to2DArray().map((ri) => Math.pow(ri[0], 2)).reduce((a, b) => a + b) / (y.rows - x.columns);
        this.stdError = Math.sqrt(variance);
        this.stdErrorMatrix = pseudoInverse2(xx).mul(variance);
        this.stdErrors = this.stdErrorMatrix.diagonal().map((d2) => Math.sqrt(d2));
        this.tStats = this.weights.map(
          (d2, i) => this.stdErrors[i] === 0 ? 0 : d2[0] / this.stdErrors[i]
        );
      }
    }
  }
  predict(x) {
    if (Array.isArray(x)) {
      if (typeof x[0] === "number") {
        return this._predict(x);
      } else if (Array.isArray(x[0])) {
        const y = new Array(x.length);
        for (let i = 0; i < x.length; i++) {
          y[i] = this._predict(x[i]);
        }
        return y;
      }
    } else if (Matrix2.isMatrix(x)) {
      const y = new Matrix2(x.rows, this.outputs);
      for (let i = 0; i < x.rows; i++) {
        y.setRow(i, this._predict(x.getRow(i)));
      }
      return y;
    }
    throw new TypeError("x must be a matrix or array of numbers");
  }
  _predict(x) {
    const result = new Array(this.outputs);
    if (this.intercept) {
      for (let i = 0; i < this.outputs; i++) {
        result[i] = this.weights[this.inputs][i];
      }
    } else {
      result.fill(0);
    }
    for (let i = 0; i < this.inputs; i++) {
      for (let j = 0; j < this.outputs; j++) {
        result[j] += this.weights[i][j] * x[i];
      }
    }
    return result;
  }
  score() {
    throw new Error("score method is not implemented yet");
  }
  toJSON() {
    return {
      name: "multivariateLinearRegression",
      weights: this.weights,
      inputs: this.inputs,
      outputs: this.outputs,
      intercept: this.intercept,
      summary: this.statistics ? {
        regressionStatistics: {
          standardError: this.stdError,
          observations: this.outputs
        },
        variables: this.weights.map((d2, i) => {
          return {
            label: i === this.weights.length - 1 ? "Intercept" : `X Variable ${i + 1}`,
            coefficients: d2,
            standardError: this.stdErrors[i],
            tStat: this.tStats[i]
          };
        })
      } : void 0
    };
  }
  static load(model) {
    if (model.name !== "multivariateLinearRegression") {
      throw new Error("not a MLR model");
    }
    return new _MultivariateLinearRegression(true, model);
  }
};

// ../../packages/ml/src/arForecaster.ts
var ArForecaster = class {
  /** The lags used as regressors, ascending. */
  lags;
  #weights;
  constructor(lags) {
    if (lags.length === 0 || lags.some((l) => !(l >= 1))) throw new RangeError("ArForecaster needs lags \u2265 1, e.g. [1, 2, 3]");
    this.lags = [...lags].sort((a, b) => a - b);
  }
  /** The largest lag: the history a forecast needs. */
  get order() {
    return this.lags[this.lags.length - 1];
  }
  /** Least-squares fit on `history`; returns false (and keeps the previous fit) when history is too short. */
  fit(history) {
    const p = this.order;
    const n = history.length;
    if (n < p + 2 * this.lags.length + 10) return false;
    const xs = [];
    const ys = [];
    for (let t = p; t < n; t++) {
      xs.push(this.lags.map((l) => history[t - l]));
      ys.push([history[t]]);
    }
    try {
      const model = new MultivariateLinearRegression(xs, ys, { intercept: true, statistics: false });
      const w = model.weights.map((row) => row[0]);
      if (w.every(Number.isFinite)) this.#weights = w;
    } catch {
      return false;
    }
    return this.#weights !== void 0;
  }
  /** Whether a fit exists. */
  get ready() {
    return this.#weights !== void 0;
  }
  /** Recursive forecasts for the next `h` values given the most recent history (oldest first). */
  forecast(recent, h) {
    const w = this.#weights;
    const buf = Array.from(recent);
    const out = [];
    for (let k = 0; k < h; k++) {
      let y = w === void 0 ? buf[buf.length - 1] ?? 0 : w[w.length - 1];
      if (w !== void 0) this.lags.forEach((l, i) => y += w[i] * (buf[buf.length - l] ?? buf[0] ?? 0));
      out.push(y);
      buf.push(y);
    }
    return out;
  }
};

// ../../packages/ml/src/workloadPredictor.ts
var MEMBERS = ["holtWinters", "ar", "seasonalNaive"];
var WorkloadPredictor = class {
  /** Longest horizon, in rows, that forecasts are made and calibrated for. */
  horizon;
  #historySize;
  #refitEvery;
  #arLags;
  #coverage;
  #errorAlpha;
  #history = [];
  #n = 0;
  #lastT = NaN;
  #stepMs = NaN;
  #gaps = new Float64Array(31);
  #gapCount = 0;
  #seasonality;
  #hw;
  #ar;
  #mse = { holtWinters: NaN, ar: NaN, seasonalNaive: NaN };
  /** Running quantile of |error| per horizon. */
  #q;
  #qSeen;
  /** Running mean of |error| per horizon. */
  #mae;
  #pending = [];
  constructor(options = {}) {
    this.horizon = options.horizon ?? 12;
    this.#historySize = options.historySize ?? 8192;
    this.#refitEvery = options.refitEvery ?? 288;
    this.#arLags = options.arLags ?? [1, 2, 3, 4, 5, 6];
    this.#coverage = options.coverage ?? 0.8;
    this.#errorAlpha = options.errorAlpha ?? 0.05;
    this.#q = new Float64Array(this.horizon);
    this.#qSeen = new Uint32Array(this.horizon);
    this.#mae = new Float64Array(this.horizon);
  }
  /** The detected seasonal period (rows), if any. */
  get seasonality() {
    return this.#seasonality;
  }
  /** Current ensemble weights (sum to 1). */
  get weights() {
    return this.#weights();
  }
  /** Consume the next observation. */
  update(t, x) {
    if (!Number.isFinite(x)) return;
    if (Number.isFinite(this.#lastT) && t > this.#lastT) {
      this.#gaps[this.#gapCount++ % this.#gaps.length] = t - this.#lastT;
      const g2 = Array.from(this.#gaps.subarray(0, Math.min(this.#gapCount, this.#gaps.length))).sort((a, b) => a - b);
      this.#stepMs = g2[g2.length >> 1];
    }
    this.#lastT = t;
    this.#score(x);
    this.#history.push(x);
    if (this.#history.length > this.#historySize) this.#history.shift();
    this.#n++;
    this.#hw?.update(x);
    if (this.#n >= 32 && (this.#hw === void 0 || this.#n % this.#refitEvery === 0)) this.#refit();
    if (this.#hw !== void 0) this.#pending.push(this.#forecastMembers());
  }
  /** Forecast the next `h` rows (h ≤ horizon) with `coverage` prediction intervals. */
  forecast(h = this.horizon) {
    const steps = Math.min(h, this.horizon);
    const p = this.#hw === void 0 ? void 0 : this.#forecastMembers();
    const last = this.#history[this.#history.length - 1] ?? 0;
    const out = [];
    for (let k = 1; k <= steps; k++) {
      const mean = p?.ensemble[k - 1] ?? last;
      const width = this.#intervalHalfWidth(k);
      const step = Number.isFinite(this.#stepMs) ? this.#stepMs : 0;
      out.push({ h: k, t: this.#lastT + k * step, mean, lower: mean - width, upper: mean + width });
    }
    return out;
  }
  #intervalHalfWidth(k) {
    if ((this.#qSeen[k - 1] ?? 0) > 20) return this.#q[k - 1];
    const w = this.#weights();
    let mse = 0;
    for (const m of MEMBERS) mse += w[m] * (Number.isFinite(this.#mse[m]) ? this.#mse[m] : 0);
    return 1.2816 * Math.sqrt(mse * k);
  }
  #weights() {
    const raw = { holtWinters: 0, ar: 0, seasonalNaive: 0 };
    let sum2 = 0;
    for (const m of MEMBERS) {
      const e = this.#mse[m];
      if (m === "ar" && !(this.#ar?.ready ?? false)) continue;
      if (m === "seasonalNaive" && this.#seasonality === void 0) continue;
      const v = Number.isFinite(e) ? 1 / (e + 1e-12) : 1;
      raw[m] = v;
      sum2 += v;
    }
    if (sum2 === 0) return { holtWinters: 1, ar: 0, seasonalNaive: 0 };
    for (const m of MEMBERS) raw[m] /= sum2;
    return raw;
  }
  #refit() {
    const hist = this.#history;
    this.#seasonality = detectSeasonality(hist, Number.isFinite(this.#stepMs) ? calendarPeriods(this.#stepMs) : []);
    const period = this.#seasonality?.period ?? 0;
    this.#hw = HoltWinters.select(hist, period);
    const lags = period > 0 ? [...this.#arLags, period] : [...this.#arLags];
    const ar = new ArForecaster(lags);
    if (ar.fit(hist)) this.#ar = ar;
    else if (this.#ar !== void 0 && this.#ar.order > hist.length) this.#ar = void 0;
  }
  #forecastMembers() {
    const H = this.horizon;
    const hist = this.#history;
    const hw = this.#hw.forecast(H);
    const ar = this.#ar?.ready ? this.#ar.forecast(hist.slice(-this.#ar.order), H) : hw;
    const m = this.#seasonality?.period ?? 0;
    const last = hist[hist.length - 1] ?? 0;
    const sn = Array.from({ length: H }, (_, k) => m > 0 ? hist[hist.length - m + k % m] ?? last : last);
    const members = { holtWinters: hw, ar, seasonalNaive: sn };
    const w = this.#weights();
    const ensemble = Array.from({ length: H }, (_, k) => MEMBERS.reduce((s, name2) => s + w[name2] * members[name2][k], 0));
    return { origin: this.#n, members, ensemble };
  }
  /** Score pending forecasts against the value that just arrived (row index n). */
  #score(x) {
    const a = this.#errorAlpha;
    const target2 = 1 - this.#coverage;
    for (const p of this.#pending) {
      const k = this.#n - p.origin;
      if (k === 0) {
        for (const m of MEMBERS) {
          const e2 = x - p.members[m][0];
          this.#mse[m] = Number.isFinite(this.#mse[m]) ? this.#mse[m] + a * (e2 * e2 - this.#mse[m]) : e2 * e2;
        }
      }
      const e = Math.abs(x - p.ensemble[k]);
      const seen = (this.#qSeen[k] ?? 0) + 1;
      this.#qSeen[k] = seen;
      const q = this.#q[k];
      const mae = this.#mae[k] + Math.max(0.01, 1 / seen) * (e - this.#mae[k]);
      this.#mae[k] = mae;
      const eta = Math.max(0.01, 1 / seen) * Math.max(q, mae, 1e-9);
      this.#q[k] = seen === 1 ? e : Math.max(0, q + eta * ((e > q ? 1 : 0) - target2));
    }
    while (this.#pending.length > 0 && this.#n - this.#pending[0].origin >= this.horizon - 1) this.#pending.shift();
  }
};

// ../../packages/ml/src/capacityPlanner.ts
var DAY = 864e5;
var BUCKETS = 24;
var CapacityPlanner = class {
  #o;
  #t = [];
  #x = [];
  constructor(options) {
    if (!Number.isFinite(options.limit)) throw new RangeError("CapacityPlanner needs a finite options.limit (the value the resource must not cross)");
    this.#o = { direction: "up", historySize: 4096, confidence: 0.8, shiftSigmas: 6, ...options };
  }
  /** Consume one observation (timestamps in ms, increasing). */
  update(t, x) {
    if (!Number.isFinite(x) || !Number.isFinite(t)) return;
    this.#t.push(t);
    this.#x.push(this.#o.direction === "up" ? x : -x);
    if (this.#t.length > this.#o.historySize) {
      this.#t.shift();
      this.#x.shift();
    }
  }
  /** The current estimate; needs at least 10 observations. */
  estimate() {
    const sign = this.#o.direction === "up" ? 1 : -1;
    const limit = sign * this.#o.limit;
    const ts = this.#t;
    const n = ts.length;
    const none = (reason2, extra = {}) => ({
      timeToLimit: Infinity,
      earliest: Infinity,
      latest: Infinity,
      crossingAt: Infinity,
      slopePerDay: 0,
      slopeStdErrPerDay: 0,
      dailyPeak: 0,
      segmentStart: ts[0] ?? NaN,
      reason: reason2,
      ...extra
    });
    if (n < 10) return none(`need at least 10 observations, have ${n}`);
    const last = ts[n - 1];
    const profile = new Float64Array(BUCKETS);
    let dailyPeak = 0;
    if (last - ts[0] >= 2 * DAY) {
      const mean = movingMean(ts, this.#x, DAY);
      const perBucket = Array.from({ length: BUCKETS }, () => []);
      for (let i = 0; i < n; i++) {
        const t = ts[i];
        if (t - ts[0] < DAY / 2 || last - t < DAY / 2) continue;
        perBucket[bucket(t)].push(this.#x[i] - mean[i]);
      }
      const med = perBucket.map((v) => v.length > 0 ? median(v) : NaN);
      const present = med.filter(Number.isFinite);
      const centre = present.length > 0 ? present.reduce((a, b) => a + b, 0) / present.length : 0;
      for (let b = 0; b < BUCKETS; b++) profile[b] = Number.isFinite(med[b]) ? med[b] - centre : 0;
      dailyPeak = Math.max(0, ...profile);
    }
    const y = this.#x.map((v, i) => v - profileAt(profile, ts[i]));
    const start = lastShift(y, this.#o.shiftSigmas);
    const seg = n - start;
    if (seg < 10) return none(`a level shift ${seg} observations ago; waiting for more data on the new level`, { segmentStart: ts[start], dailyPeak });
    const idx = [];
    for (let i = start; i < n; i++) idx.push(i);
    let fit = fitLine(ts, y, idx, last);
    const mad = median(fit.res.map(Math.abs)) / 0.6745;
    if (mad > 0) {
      const kept = idx.filter((_, j) => Math.abs(fit.res[j]) <= 5 * mad);
      if (kept.length >= 10 && kept.length < idx.length) fit = fitLine(ts, y, kept, last);
    }
    const { slope, level, mt, stt, res } = fit;
    const m = res.length;
    let ss = 0;
    let lag = 0;
    for (let i = 0; i < m; i++) {
      ss += res[i] ** 2;
      if (i > 0) lag += res[i] * res[i - 1];
    }
    const rho = ss > 0 ? Math.min(0.99, Math.max(0, lag / ss)) : 0;
    const sigma2 = ss / Math.max(1, m - 2);
    const se = stt > 0 ? Math.sqrt(sigma2 / stt * ((1 + rho) / (1 - rho))) : Infinity;
    const z4 = zQuantile((1 + this.#o.confidence) / 2);
    const seLevel = Math.sqrt(sigma2 * (1 / m + mt * mt / Math.max(stt, 1e-300)) * ((1 + rho) / (1 - rho)));
    const gap2 = limit - (level + dailyPeak);
    const cross = (g2, s) => g2 <= 0 ? 0 : s > 0 ? g2 / s * DAY : Infinity;
    const timeToLimit = cross(gap2, slope);
    const earliest = cross(gap2 - z4 * seLevel, slope + z4 * se);
    const latest = cross(gap2 + z4 * seLevel, slope - z4 * se);
    const unit = (v) => (sign * v).toPrecision(4);
    const reason = gap2 <= 0 ? `already at the limit: trend ${unit(level)} plus daily peak ${dailyPeak.toPrecision(3)} reaches ${unit(limit)}` : Number.isFinite(timeToLimit) ? `trend ${unit(slope)}/day from ${unit(level)} reaches ${unit(limit)} in ${(timeToLimit / DAY).toFixed(1)} days (${(earliest / DAY).toFixed(1)}\u2013${Number.isFinite(latest) ? (latest / DAY).toFixed(1) : "\u221E"} at ${Math.round(this.#o.confidence * 100)}%)` : `no growth toward ${unit(limit)}: trend ${unit(slope)}/day${Number.isFinite(earliest) ? `, though within the band it could arrive in ${(earliest / DAY).toFixed(1)} days` : ""}`;
    return {
      timeToLimit,
      earliest,
      latest,
      crossingAt: last + timeToLimit,
      slopePerDay: sign * slope,
      slopeStdErrPerDay: se,
      dailyPeak,
      segmentStart: ts[start],
      reason
    };
  }
};
function fitLine(ts, y, idx, last) {
  let mt = 0;
  let my = 0;
  for (const i of idx) {
    mt += (ts[i] - last) / DAY;
    my += y[i];
  }
  mt /= idx.length;
  my /= idx.length;
  let stt = 0;
  let sty = 0;
  for (const i of idx) {
    const dt = (ts[i] - last) / DAY - mt;
    stt += dt * dt;
    sty += dt * (y[i] - my);
  }
  const slope = stt > 0 ? sty / stt : 0;
  const level = my - slope * mt;
  const res = idx.map((i) => y[i] - (level + slope * ((ts[i] - last) / DAY)));
  return { slope, level, mt, stt, res };
}
function profileAt(profile, t) {
  const pos = (t % DAY + DAY) % DAY / DAY * BUCKETS - 0.5;
  const i0 = Math.floor(pos);
  const f = pos - i0;
  const a = profile[(i0 + BUCKETS) % BUCKETS];
  const b = profile[(i0 + 1) % BUCKETS];
  return a + f * (b - a);
}
function bucket(t) {
  return Math.floor((t % DAY + DAY) % DAY / (DAY / BUCKETS));
}
function movingMean(ts, xs, span) {
  const n = ts.length;
  const out = new Float64Array(n);
  let lo = 0;
  let hi = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    const t = ts[i];
    while (hi < n && ts[hi] <= t + span / 2) sum2 += xs[hi++];
    while (ts[lo] < t - span / 2) sum2 -= xs[lo++];
    out[i] = sum2 / (hi - lo);
  }
  return out;
}
function lastShift(y, sigmas) {
  let start = 0;
  for (let iter = 0; iter < 5; iter++) {
    const n = y.length - start;
    if (n < 20) return start;
    const diffs = [];
    for (let i = start + 1; i < y.length; i++) diffs.push(y[i] - y[i - 1]);
    const slope = median(diffs);
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) r[i] = y[start + i] - slope * i;
    let rMin = Infinity;
    let rMax = -Infinity;
    for (const v of r) {
      if (v < rMin) rMin = v;
      if (v > rMax) rMax = v;
    }
    const noise = Math.max(median(diffs.map((d2) => Math.abs(d2 - slope))) / (Math.SQRT2 * 0.6745), 1e-3 * (rMax - rMin)) + 1e-12;
    let best = -1;
    let bestStat = 0;
    const minSeg = Math.max(5, Math.floor(n * 0.05));
    for (let k = minSeg - 1; k < n - minSeg; k++) {
      const w = Math.min(20, k + 1, n - k - 1);
      const step = median(Array.from(r.subarray(k + 1, k + 1 + w))) - median(Array.from(r.subarray(k + 1 - w, k + 1)));
      const stat = Math.abs(step) / (noise * Math.sqrt(2 / w));
      if (stat <= bestStat) continue;
      let jump = 0;
      for (let j = Math.max(1, k - 1); j <= Math.min(n - 1, k + 3); j++) jump = Math.max(jump, Math.abs(r[j] - r[j - 1]));
      if (jump < 0.3 * Math.abs(step) || jump < 4 * Math.SQRT2 * noise) continue;
      bestStat = stat;
      best = start + k + 1;
    }
    if (best < 0 || bestStat < sigmas * 2) return start;
    start = best;
  }
  return start;
}
function zQuantile(p) {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (1 - normalTail(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// src/daemon.ts
import { mkdirSync as mkdirSync4, readdirSync as readdirSync3, readFileSync as readFileSync5, writeFileSync as writeFileSync2 } from "fs";
import { join as join6, resolve } from "path";
import { performance as performance3 } from "perf_hooks";

// ../../packages/actuators/src/fileActuator.ts
import { closeSync as closeSync4, openSync as openSync4, readFileSync as readFileSync2, writeSync, constants as constants2 } from "fs";
import { join as join2 } from "path";

// ../../packages/actuators/src/errors.ts
var ActuatorErrorCode = {
  /** The knob id does not name a knob in the catalogue. */
  unknownKnob: "ERR_AINKA_KNOB_UNKNOWN",
  /** The knob exists in the catalogue but not on this machine (file missing). */
  unavailable: "ERR_AINKA_KNOB_UNAVAILABLE",
  /** The requested value is outside the knob's bounds. */
  outOfBounds: "ERR_AINKA_KNOB_OUT_OF_BOUNDS",
  /** The value read back after a write differs from the value written. */
  verifyFailed: "ERR_AINKA_KNOB_VERIFY_FAILED",
  /** Writing the knob failed (permission, kernel refusal). */
  writeFailed: "ERR_AINKA_KNOB_WRITE_FAILED",
  /** An external command (systemctl, ionice) failed. */
  commandFailed: "ERR_AINKA_COMMAND_FAILED",
  /** The change journal is damaged before its last record. */
  journalCorrupt: "ERR_AINKA_JOURNAL_CORRUPT",
  /** Another live process holds the journal. */
  journalLocked: "ERR_AINKA_JOURNAL_LOCKED",
  /** The change id, session id or knob passed to a rollback is not in the journal. */
  notInJournal: "ERR_AINKA_JOURNAL_UNKNOWN_CHANGE",
  /** The change manager was used after `close()`. */
  closed: "ERR_AINKA_CHANGE_MANAGER_CLOSED"
};
var ActuatorError = class extends Error {
  /** Always `'ActuatorError'`. */
  name = "ActuatorError";
  /** Stable machine-readable code. */
  code;
  /** The knob involved, when there is one. */
  knob;
  constructor(code, message, knob, options) {
    super(message, options);
    this.code = code;
    this.knob = knob;
  }
};

// ../../packages/actuators/src/knobCatalogue.ts
var MiB = 1024 * 1024;
function int(value) {
  return /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : void 0;
}
function intRow(kind, attribute, description, min, max, extra, optional = false) {
  return {
    kind,
    attribute,
    description,
    bounds: `integer ${min} \u2026 ${max}`,
    optional,
    reversible: true,
    numeric: true,
    min,
    max,
    check(value, ctx) {
      const n = int(value);
      if (n === void 0) return `'${value}' is not an integer; write a whole number between ${min} and ${max}`;
      if (n < min || n > max) return `${n} is outside ${min} \u2026 ${max}; choose a value in that range`;
      return extra?.(n, ctx);
    }
  };
}
function choiceRow(kind, attribute, description, choices, optional = false) {
  return {
    kind,
    attribute,
    description,
    bounds: `one of ${choices.join(", ")}`,
    optional,
    reversible: true,
    numeric: false,
    choices,
    check(value) {
      return choices.includes(value) ? void 0 : `'${value}' is not one of ${choices.join(", ")}; pick one of those`;
    }
  };
}
function listedRow(kind, attribute, description, listFile, forbidden = []) {
  return {
    kind,
    attribute,
    description,
    bounds: `a value the kernel lists as available${forbidden.length ? ` except ${forbidden.join(", ")}` : ""}`,
    optional: false,
    reversible: true,
    numeric: false,
    check(value, ctx) {
      if (forbidden.includes(value)) return `'${value}' is never set by AINKA; choose another value`;
      const path = listFile(ctx);
      const listing = ctx.read(path);
      if (listing === void 0) return void 0;
      const available = listing.replace(/[[\]]/g, "").split(/\s+/).filter(Boolean);
      return available.includes(value) ? void 0 : `'${value}' is not available on this machine (${path} lists ${available.join(", ")}); pick one of those or load the module that provides it`;
    }
  };
}
function readInt(ctx, path) {
  const text2 = ctx.read(path);
  return text2 === void 0 ? void 0 : int(text2.trim().split(/\s+/)[0] ?? "");
}
function bufferTriple(attribute, description) {
  const lo = 4096;
  const hi = 256 * MiB;
  return {
    kind: "sysctl",
    attribute,
    description,
    bounds: `three integers min \u2264 default \u2264 max, ${lo} \u2264 min, max \u2264 ${hi}`,
    optional: false,
    reversible: true,
    numeric: false,
    check(value) {
      const parts = value.split(" ").map(int);
      if (parts.length !== 3 || parts.some((p) => p === void 0)) {
        return `'${value}' is not three integers; write 'min default max', e.g. '4096 131072 6291456'`;
      }
      const [min, def, max] = parts;
      if (min < lo) return `min ${min} is below ${lo}; use at least ${lo}`;
      if (max > hi) return `max ${max} is above ${hi}; use at most ${hi}`;
      if (!(min <= def && def <= max)) return `'${value}' is not ordered min \u2264 default \u2264 max; never set the max below the min`;
      return void 0;
    }
  };
}
var sysctl = [
  intRow("sysctl", "vm.swappiness", "How eagerly anonymous memory is swapped relative to page cache.", 0, 200),
  intRow("sysctl", "vm.dirty_ratio", "Percent of memory that may be dirty before writers block; kept above vm.dirty_background_ratio.", 1, 80, (n, ctx) => {
    const bg = readInt(ctx, "proc/sys/vm/dirty_background_ratio");
    return bg !== void 0 && n <= bg ? `${n} is not above vm.dirty_background_ratio (${bg}); keep dirty_ratio above it` : void 0;
  }),
  intRow("sysctl", "vm.dirty_background_ratio", "Percent of memory dirty before background writeback starts; kept below vm.dirty_ratio.", 1, 50, (n, ctx) => {
    const fg = readInt(ctx, "proc/sys/vm/dirty_ratio");
    return fg !== void 0 && n >= fg ? `${n} is not below vm.dirty_ratio (${fg}); keep dirty_background_ratio below it` : void 0;
  }),
  intRow("sysctl", "vm.dirty_expire_centisecs", "Age at which dirty data is written back.", 100, 6e3),
  intRow("sysctl", "vm.dirty_writeback_centisecs", "Interval of the writeback threads (0, which disables them, is refused).", 100, 6e3),
  intRow("sysctl", "vm.vfs_cache_pressure", "Reclaim pressure on dentry and inode caches (0 risks OOM and is refused).", 10, 1e3),
  intRow("sysctl", "vm.min_free_kbytes", "Free memory kept for atomic allocations; at most 5 % of MemTotal.", 1024, 4 * 1024 * 1024, (n, ctx) => {
    const meminfo = ctx.read("proc/meminfo");
    const total = meminfo ? int(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? "") : void 0;
    return total !== void 0 && n > total * 0.05 ? `${n} kB is above 5 % of MemTotal (${Math.floor(total * 0.05)} kB); choose a smaller value` : void 0;
  }),
  intRow("sysctl", "vm.watermark_scale_factor", "Distance between zone watermarks, in 1/10000 of memory.", 10, 1e3),
  intRow("sysctl", "vm.page-cluster", "Log2 of pages read from swap in one go.", 0, 5),
  choiceRow("sysctl", "vm.zone_reclaim_mode", "Reclaim from the local NUMA node before allocating remotely.", ["0", "1"]),
  intRow("sysctl", "net.core.somaxconn", "Listen backlog limit.", 128, 65535),
  intRow("sysctl", "net.core.netdev_max_backlog", "Packets queued on input when the interface receives faster than the kernel processes.", 1e3, 262144),
  intRow("sysctl", "net.core.rmem_max", "Largest receive buffer a socket may request.", 212992, 256 * MiB),
  intRow("sysctl", "net.core.wmem_max", "Largest send buffer a socket may request.", 212992, 256 * MiB),
  intRow("sysctl", "net.core.rmem_default", "Default receive buffer; never above net.core.rmem_max.", 4096, 256 * MiB, (n, ctx) => {
    const max = readInt(ctx, "proc/sys/net/core/rmem_max");
    return max !== void 0 && n > max ? `${n} is above net.core.rmem_max (${max}); raise rmem_max first` : void 0;
  }),
  intRow("sysctl", "net.core.wmem_default", "Default send buffer; never above net.core.wmem_max.", 4096, 256 * MiB, (n, ctx) => {
    const max = readInt(ctx, "proc/sys/net/core/wmem_max");
    return max !== void 0 && n > max ? `${n} is above net.core.wmem_max (${max}); raise wmem_max first` : void 0;
  }),
  choiceRow("sysctl", "net.core.default_qdisc", "Queueing discipline for new interfaces.", ["fq", "fq_codel", "cake", "pfifo_fast"]),
  bufferTriple("net.ipv4.tcp_rmem", "TCP receive buffer min, default and max."),
  bufferTriple("net.ipv4.tcp_wmem", "TCP send buffer min, default and max."),
  listedRow("sysctl", "net.ipv4.tcp_congestion_control", "TCP congestion control algorithm.", () => "proc/sys/net/ipv4/tcp_available_congestion_control"),
  choiceRow("sysctl", "net.ipv4.tcp_mtu_probing", "Packetization-layer path MTU discovery.", ["0", "1", "2"]),
  choiceRow("sysctl", "net.ipv4.tcp_slow_start_after_idle", "Restart slow start after an idle period.", ["0", "1"]),
  intRow("sysctl", "net.ipv4.tcp_notsent_lowat", "Unsent bytes a socket may queue before it stops being writable.", 16384, 4294967295),
  choiceRow("sysctl", "net.ipv4.tcp_fastopen", "TCP Fast Open (bit 1 client, bit 2 server).", ["0", "1", "2", "3"]),
  choiceRow("sysctl", "net.ipv4.tcp_ecn", "Explicit congestion notification.", ["0", "1", "2"]),
  intRow("sysctl", "net.ipv4.tcp_max_syn_backlog", "Half-open connections remembered per listener.", 128, 262144),
  choiceRow("sysctl", "kernel.sched_autogroup_enabled", "Group tasks by session for fairness (where present).", ["0", "1"], true),
  choiceRow("sysctl", "kernel.sched_child_runs_first", "A forked child runs before its parent (where present).", ["0", "1"], true),
  intRow("sysctl", "kernel.sched_migration_cost_ns", "Cache-hot time that discourages migration (pre-5.13 kernels).", 0, 5e6, void 0, true),
  intRow("sysctl", "kernel.sched_min_granularity_ns", "Minimum CFS slice (pre-5.13 kernels).", 1e5, 3e7, void 0, true),
  intRow("sysctl", "kernel.sched_wakeup_granularity_ns", "Wake-up preemption granularity (pre-5.13 kernels).", 0, 3e7, void 0, true),
  choiceRow("sysctl", "kernel.numa_balancing", "Automatic NUMA balancing (where present).", ["0", "1"], true)
];
var block = [
  listedRow("block", "scheduler", "I/O scheduler of the device queue.", (ctx) => `sys/block/${ctx.knob.target}/queue/scheduler`),
  intRow("block", "read_ahead_kb", "Read-ahead window of the device.", 0, 16384),
  intRow("block", "nr_requests", "Requests the queue may hold.", 4, 4096)
];
var cpufreq = [
  listedRow("cpufreq", "scaling_governor", "Frequency governor of the policy.", (ctx) => `sys/devices/system/cpu/cpufreq/${ctx.knob.target}/scaling_available_governors`, ["userspace"]),
  listedRow("cpufreq", "energy_performance_preference", "Energy/performance preference hint (EPP).", (ctx) => `sys/devices/system/cpu/cpufreq/${ctx.knob.target}/energy_performance_available_preferences`),
  intRow("cpufreq", "scaling_min_freq", "Lowest frequency the governor may pick (kHz); within cpuinfo_min_freq \u2026 scaling_max_freq.", 0, 1e8, (n, ctx) => {
    const dir = `sys/devices/system/cpu/cpufreq/${ctx.knob.target}`;
    const hwMin = readInt(ctx, `${dir}/cpuinfo_min_freq`);
    const curMax = readInt(ctx, `${dir}/scaling_max_freq`);
    if (hwMin !== void 0 && n < hwMin) return `${n} kHz is below cpuinfo_min_freq (${hwMin}); use at least ${hwMin}`;
    if (curMax !== void 0 && n > curMax) return `${n} kHz is above scaling_max_freq (${curMax}); never set the min above the max`;
    return void 0;
  }),
  intRow("cpufreq", "scaling_max_freq", "Highest frequency the governor may pick (kHz); within scaling_min_freq \u2026 cpuinfo_max_freq.", 0, 1e8, (n, ctx) => {
    const dir = `sys/devices/system/cpu/cpufreq/${ctx.knob.target}`;
    const hwMax = readInt(ctx, `${dir}/cpuinfo_max_freq`);
    const curMin = readInt(ctx, `${dir}/scaling_min_freq`);
    if (hwMax !== void 0 && n > hwMax) return `${n} kHz is above cpuinfo_max_freq (${hwMax}); use at most ${hwMax}`;
    if (curMin !== void 0 && n < curMin) return `${n} kHz is below scaling_min_freq (${curMin}); never set the max below the min`;
    return void 0;
  })
];
var cgroup = [
  intRow("cgroup", "cpu.weight", "Proportional CPU share of the cgroup.", 1, 1e4),
  {
    kind: "cgroup",
    attribute: "cpu.max",
    description: "CPU bandwidth limit: quota and period in \xB5s.",
    bounds: "'max [period]' or 'quota period', 1000 \u2264 period \u2264 1000000, quota \u2265 1000",
    optional: false,
    reversible: true,
    numeric: false,
    check(value) {
      const m = /^(max|\d+)(?: (\d+))?$/.exec(value);
      if (!m) return `'${value}' is not 'max [period]' or 'quota period'; write e.g. '50000 100000'`;
      const period = m[2] === void 0 ? 1e5 : Number(m[2]);
      if (period < 1e3 || period > 1e6) return `period ${period} is outside 1000 \u2026 1000000 \xB5s; choose a period in that range`;
      if (m[1] !== "max" && Number(m[1]) < 1e3) return `quota ${m[1]} is below 1000 \xB5s; use at least 1000 or 'max'`;
      return void 0;
    }
  },
  {
    kind: "cgroup",
    attribute: "memory.high",
    description: "Memory throttle limit; never more than 10 % below current usage, never below 16 MiB.",
    bounds: "'max' or bytes \u2265 max(16 MiB, memory.current \u2212 10 %)",
    optional: false,
    reversible: true,
    numeric: true,
    min: 16 * MiB,
    check(value, ctx) {
      if (value === "max") return void 0;
      const n = int(value);
      if (n === void 0) return `'${value}' is not a byte count or 'max'; write e.g. '536870912'`;
      const usage = readInt(ctx, `sys/fs/cgroup/${ctx.knob.target}/memory.current`) ?? 0;
      const floor = Math.max(16 * MiB, Math.floor(usage * 0.9));
      return n < floor ? `${n} bytes is below ${floor} (current usage ${usage} minus a 10 % margin, at least 16 MiB); choose at least ${floor} or 'max'` : void 0;
    }
  },
  intRow("cgroup", "io.weight", "Proportional I/O share of the cgroup (default weight).", 1, 1e4),
  {
    kind: "cgroup",
    attribute: "io.max",
    description: "Per-device I/O limit line (`io.max[MAJ:MIN]`).",
    bounds: "rbps/wbps max or \u2265 1 MiB/s, riops/wiops max or \u2265 100",
    optional: false,
    reversible: true,
    numeric: false,
    check(value, ctx) {
      const parts = value.split(" ");
      if (parts[0] !== ctx.knob.key) return `'${value}' must start with the device '${ctx.knob.key}' named in the knob id`;
      for (const part of parts.slice(1)) {
        const m = /^(rbps|wbps|riops|wiops)=(max|\d+)$/.exec(part);
        if (!m) return `'${part}' is not rbps=, wbps=, riops= or wiops= with a number or 'max'; fix that field`;
        if (m[2] === "max") continue;
        const floor = m[1]?.endsWith("bps") ? MiB : 100;
        if (Number(m[2]) < floor) return `${m[1]}=${m[2]} is below ${floor}; use at least ${floor} or 'max'`;
      }
      return void 0;
    }
  }
];
var proc = [
  intRow("process", "nice", "Scheduling niceness of the process (never below \u221210).", -10, 19),
  choiceRow("process", "ionice", "I/O class: 'idle', 'none' or 'be/0' \u2026 'be/7' (realtime is refused).", ["idle", "none", "be/0", "be/1", "be/2", "be/3", "be/4", "be/5", "be/6", "be/7"]),
  intRow("process", "oom_score_adj", "OOM-killer bias; \u22121000 (never kill) is refused.", -999, 1e3)
];
var thp = [
  listedRow("thp", "enabled", "Transparent huge pages mode.", () => "sys/kernel/mm/transparent_hugepage/enabled"),
  listedRow("thp", "defrag", "Transparent huge pages defrag policy.", () => "sys/kernel/mm/transparent_hugepage/defrag")
];
var systemd = [
  {
    kind: "systemd",
    attribute: "restart",
    description: "Restart a systemd unit through systemctl (irreversible, rate-limited).",
    bounds: "value 'restart'; unit names matching [A-Za-z0-9@._-]+",
    optional: false,
    reversible: false,
    numeric: false,
    check(value, ctx) {
      if (value !== "restart") return `'${value}' is not 'restart'; the only action on a unit is 'restart'`;
      return /^[A-Za-z0-9@._\\-]+$/.test(ctx.knob.target) ? void 0 : `unit '${ctx.knob.target}' has characters systemctl would not accept; name the unit exactly`;
    }
  }
];
var knobCatalogue = [...sysctl, ...block, ...cpufreq, ...cgroup, ...proc, ...thp, ...systemd];
var byKey = new Map(knobCatalogue.map((row) => [`${row.kind}:${row.attribute}`, row]));
function findKnobSpec(kind, attribute) {
  return byKey.get(`${kind}:${attribute}`);
}

// ../../packages/actuators/src/knobId.ts
var KINDS = ["sysctl", "block", "cpufreq", "cgroup", "process", "thp", "systemd"];
function parseKnobId(id) {
  const colon = id.indexOf(":");
  const kind = colon < 0 ? "" : id.slice(0, colon);
  if (!KINDS.includes(kind)) {
    throw new ActuatorError(
      ActuatorErrorCode.unknownKnob,
      `knob id '${id}' has no known family; write '<family>:\u2026' with family one of ${KINDS.join(", ")} (e.g. 'sysctl:vm.swappiness')`,
      id
    );
  }
  const rest = id.slice(colon + 1);
  if (kind === "sysctl" || kind === "thp") {
    if (!/^[a-z0-9_.-]+$/i.test(rest)) {
      throw new ActuatorError(
        ActuatorErrorCode.unknownKnob,
        `knob id '${id}' has an invalid name '${rest}'; use the dotted sysctl name or the THP file name, e.g. '${kind === "thp" ? "thp:enabled" : "sysctl:vm.swappiness"}'`,
        id
      );
    }
    return { id, kind, target: "", attribute: rest, key: "" };
  }
  const bracket = rest.lastIndexOf("[");
  const searchEnd = bracket >= 0 ? bracket : rest.length;
  const split = rest.lastIndexOf(":", searchEnd);
  if (split <= 0 || split === rest.length - 1) {
    throw new ActuatorError(
      ActuatorErrorCode.unknownKnob,
      `knob id '${id}' needs a target and an attribute; write '${kind}:<target>:<attribute>' (e.g. ${example(kind)})`,
      id
    );
  }
  const target2 = rest.slice(0, split);
  let attribute = rest.slice(split + 1);
  let key = "";
  const keyed = /^([a-z0-9_.]+)\[([^\]]+)\]$/i.exec(attribute);
  if (keyed) {
    attribute = keyed[1] ?? "";
    key = keyed[2] ?? "";
  }
  if (target2.split("/").some((part) => part === "..") || target2.startsWith("/")) {
    throw new ActuatorError(
      ActuatorErrorCode.unknownKnob,
      `knob id '${id}' has target '${target2}' that leaves its directory; use a relative path without '..'`,
      id
    );
  }
  return { id, kind, target: target2, attribute, key };
}
function example(kind) {
  switch (kind) {
    case "block":
      return "'block:sda:read_ahead_kb'";
    case "cpufreq":
      return "'cpufreq:policy0:scaling_governor'";
    case "cgroup":
      return "'cgroup:system.slice/nginx.service:cpu.weight'";
    case "process":
      return "'process:1234:nice'";
    case "systemd":
      return "'systemd:nginx.service:restart'";
    default:
      return `'${kind}:\u2026'`;
  }
}
function normalizeValue(value) {
  return value.trim().replace(/\s+/g, " ");
}

// ../../packages/actuators/src/fileActuator.ts
function knobPath(knob) {
  switch (knob.kind) {
    case "sysctl":
      return `proc/sys/${knob.attribute.replace(/\./g, "/")}`;
    case "block":
      return `sys/block/${knob.target}/queue/${knob.attribute}`;
    case "cpufreq":
      return `sys/devices/system/cpu/cpufreq/${knob.target}/${knob.attribute}`;
    case "cgroup":
      return `sys/fs/cgroup/${knob.target}/${knob.attribute}`;
    case "thp":
      return `sys/kernel/mm/transparent_hugepage/${knob.attribute}`;
    case "process":
      return `proc/${knob.target}/${knob.attribute}`;
    case "systemd":
      return "";
  }
}
function readRootFile(root, path) {
  try {
    return readFileSync2(join2(root, path), "utf8");
  } catch {
    return void 0;
  }
}
function specOf(knob) {
  const spec = findKnobSpec(knob.kind, knob.attribute);
  if (!spec) {
    throw new ActuatorError(
      ActuatorErrorCode.unknownKnob,
      `knob '${knob.id}' is not in the knob table, so AINKA will not write it; use one of the knobs listed in the @ainka/actuators README`,
      knob.id
    );
  }
  return spec;
}
function checkBounds(root, knob, value, current) {
  const spec = specOf(knob);
  const problem = spec.check(normalizeValue(value), { knob, current, read: (path) => readRootFile(root, path) });
  if (problem !== void 0) {
    throw new ActuatorError(ActuatorErrorCode.outOfBounds, `refusing ${knob.id} = '${value}': ${problem}`, knob.id);
  }
}
var SELECTED = /\[([^\]]+)\]/;
function parseRead(knob, raw) {
  if (knob.attribute === "scheduler" || knob.kind === "thp") {
    const m = SELECTED.exec(raw);
    if (m?.[1]) return m[1];
  }
  if (knob.kind === "cgroup" && knob.attribute === "io.weight") {
    const first = raw.split("\n")[0] ?? "";
    return normalizeValue(first.replace(/^default\s+/, ""));
  }
  if (knob.kind === "cgroup" && knob.attribute === "io.max") {
    const line = raw.split("\n").find((l) => l.startsWith(`${knob.key} `));
    return line ? normalizeValue(line) : `${knob.key} rbps=max wbps=max riops=max wiops=max`;
  }
  return normalizeValue(raw);
}
function holds(knob, readBack, written) {
  const want = normalizeValue(written);
  if (knob.kind === "cgroup" && knob.attribute === "io.max") {
    const have = new Set(readBack.split(" "));
    return want.split(" ").every((field) => have.has(field));
  }
  return readBack === want;
}
var FileActuator = class {
  kind;
  /** @param kind the family this instance handles. */
  constructor(kind) {
    this.kind = kind;
  }
  async read(root, knob) {
    return this.readSync(root, knob);
  }
  /** Synchronous read, for callers (recovery, the crash-safety child) that must not yield. */
  readSync(root, knob) {
    const path = knobPath(knob);
    let raw;
    try {
      raw = readFileSync2(join2(root, path), "utf8");
    } catch (error) {
      const spec = findKnobSpec(knob.kind, knob.attribute);
      throw new ActuatorError(
        ActuatorErrorCode.unavailable,
        `cannot read ${knob.id} at ${join2(root, path)} (${error.code ?? "error"}); ${spec?.optional ? "this kernel does not have it, leave it out of the policy" : "check the device, cgroup or pid exists and that AINKA may read it"}`,
        knob.id,
        { cause: error }
      );
    }
    return parseRead(knob, raw);
  }
  async validate(root, knob, value) {
    specOf(knob);
    const current = this.readSync(root, knob);
    checkBounds(root, knob, value, current);
  }
  async apply(root, knob, value) {
    this.writeSync(root, knob, value);
  }
  /** Synchronous write of a value (no bounds check). */
  writeSync(root, knob, value) {
    const path = join2(root, knobPath(knob));
    let fd;
    try {
      fd = openSync4(path, constants2.O_WRONLY | constants2.O_TRUNC);
    } catch (error) {
      throw writeError(knob, path, value, error);
    }
    try {
      writeSync(fd, `${normalizeValue(value)}
`);
    } catch (error) {
      throw writeError(knob, path, value, error);
    } finally {
      closeSync4(fd);
    }
  }
  async verify(root, knob, value) {
    return holds(knob, this.readSync(root, knob), value);
  }
  async revert(root, knob, previous) {
    this.writeSync(root, knob, previous);
  }
};
function writeError(knob, path, value, error) {
  const code = error.code ?? "error";
  const fix = code === "EACCES" || code === "EPERM" ? "run ainkad as root (or with CAP_SYS_ADMIN), or use advise mode" : code === "ENOENT" ? "the knob does not exist on this machine; remove it from the policy" : code === "EINVAL" ? "the kernel refused the value; check it against the knob table" : "check the file is writable";
  return new ActuatorError(ActuatorErrorCode.writeFailed, `failed to write '${value}' to ${knob.id} (${path}): ${code}; ${fix}`, knob.id, { cause: error });
}

// ../../packages/actuators/src/processActuator.ts
import { getPriority, setPriority } from "os";

// ../../packages/actuators/src/runCommand.ts
import { execFile } from "child_process";
var runCommand = (file, args) => new Promise((resolve3, reject) => {
  execFile(file, [...args], { timeout: 1e4, encoding: "utf8" }, (error, stdout, stderr) => {
    if (error) {
      reject(
        new ActuatorError(
          ActuatorErrorCode.commandFailed,
          `failed to run ${file} ${args.join(" ")}: ${stderr.trim() || error.message}; check the command exists and AINKA has the privileges it needs`,
          void 0,
          { cause: error }
        )
      );
    } else resolve3(stdout);
  });
});

// ../../packages/actuators/src/processActuator.ts
function parseIoniceOutput(text2) {
  const t = text2.trim();
  if (t.startsWith("idle")) return "idle";
  if (t.startsWith("none")) return "none";
  if (t.startsWith("realtime")) return `rt/${/prio (\d)/.exec(t)?.[1] ?? "4"}`;
  const prio = /prio (\d)/.exec(t)?.[1] ?? "4";
  return `be/${prio}`;
}
function systemProcessBackend(run2 = runCommand, ionice = "ionice") {
  return {
    getNice: (pid) => getPriority(pid),
    setNice: (pid, nice) => setPriority(pid, nice),
    getIoClass: async (pid) => parseIoniceOutput(await run2(ionice, ["-p", String(pid)])),
    setIoClass: async (pid, ioClass) => {
      const args = ioClass === "idle" ? ["-c", "3"] : ioClass === "none" ? ["-c", "0"] : ["-c", "2", "-n", ioClass.slice(3)];
      await run2(ionice, [...args, "-p", String(pid)]);
    }
  };
}
var ProcessActuator = class {
  kind = "process";
  backend;
  files = new FileActuator("process");
  /** @param backend how nice and I/O class are changed (default: the real system). */
  constructor(backend = systemProcessBackend()) {
    this.backend = backend;
  }
  pid(knob) {
    if (!/^\d+$/.test(knob.target)) {
      throw new ActuatorError(ActuatorErrorCode.unknownKnob, `knob '${knob.id}' needs a numeric pid; write 'process:<pid>:${knob.attribute}'`, knob.id);
    }
    return Number(knob.target);
  }
  async read(root, knob) {
    const pid = this.pid(knob);
    try {
      if (knob.attribute === "nice") return String(this.backend.getNice(pid));
      if (knob.attribute === "ionice") return await this.backend.getIoClass(pid);
    } catch (error) {
      if (error instanceof ActuatorError) throw error;
      throw new ActuatorError(ActuatorErrorCode.unavailable, `cannot read ${knob.id}: ${error.message}; check the process still exists`, knob.id, { cause: error });
    }
    return this.files.readSync(root, knob);
  }
  async validate(root, knob, value) {
    checkBounds(root, knob, value, await this.read(root, knob));
  }
  async apply(root, knob, value) {
    const pid = this.pid(knob);
    try {
      if (knob.attribute === "nice") return this.backend.setNice(pid, Number(value));
      if (knob.attribute === "ionice") return await this.backend.setIoClass(pid, value);
    } catch (error) {
      if (error instanceof ActuatorError) throw error;
      throw new ActuatorError(ActuatorErrorCode.writeFailed, `failed to set ${knob.id} to '${value}': ${error.message}; lowering niceness needs CAP_SYS_NICE`, knob.id, { cause: error });
    }
    this.files.writeSync(root, knob, value);
  }
  async verify(root, knob, value) {
    return await this.read(root, knob) === value;
  }
  /** The process start time (field 22 of `/proc/<pid>/stat`), or `undefined` when it cannot be read. */
  async identity(root, knob) {
    const stat = readRootFile(root, `proc/${knob.target}/stat`);
    if (stat === void 0) return void 0;
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return rest[19];
  }
  async revert(root, knob, previous) {
    await this.apply(root, knob, previous);
  }
};

// ../../packages/actuators/src/systemdActuator.ts
var SystemdActuator = class {
  kind = "systemd";
  systemctl;
  run;
  /** @param options the systemctl binary and command runner. */
  constructor(options = {}) {
    this.systemctl = options.systemctl ?? "systemctl";
    this.run = options.run ?? runCommand;
  }
  async read(_root, knob) {
    return (await this.run(this.systemctl, ["show", "--property=ActiveState", "--value", knob.target])).trim();
  }
  async validate(root, knob, value) {
    checkBounds(root, knob, value, "");
  }
  async apply(_root, knob, _value) {
    await this.run(this.systemctl, ["restart", knob.target]);
  }
  async verify(root, knob, _value) {
    return await this.read(root, knob) === "active";
  }
  async revert(_root, _knob, _previous) {
  }
};

// ../../packages/actuators/src/actuatorSet.ts
function createActuators(options = {}) {
  return {
    sysctl: new FileActuator("sysctl"),
    block: new FileActuator("block"),
    cpufreq: new FileActuator("cpufreq"),
    cgroup: new FileActuator("cgroup"),
    thp: new FileActuator("thp"),
    process: new ProcessActuator(options.process),
    systemd: new SystemdActuator(options.systemd)
  };
}

// ../../packages/actuators/src/changeManager.ts
import { randomUUID } from "crypto";
import { join as join4 } from "path";

// ../../packages/actuators/src/flapGuard.ts
var defaultFlapGuardOptions = {
  minDwellMs: 5 * 6e4,
  reversalDwellMs: 15 * 6e4,
  maxChanges: 6,
  windowMs: 60 * 6e4,
  maxRelativeStep: 0.5
};
function direction(from2, to) {
  const a = Number(from2);
  const b = Number(to);
  if (!Number.isFinite(a) || !Number.isFinite(b) || from2.trim() === "" || to.trim() === "") return 0;
  return b > a ? 1 : b < a ? -1 : 0;
}
var FlapGuard = class {
  defaults;
  overrides;
  history = /* @__PURE__ */ new Map();
  /**
   * @param options defaults for every knob.
   * @param overrides per-knob settings keyed by knob id (`systemd:nginx.service:restart`) or family (`systemd`).
   */
  constructor(options = {}, overrides = {}) {
    this.defaults = { ...defaultFlapGuardOptions, ...options };
    this.overrides = overrides;
  }
  /** Effective settings of a knob. */
  settingsFor(knob) {
    const family = knob.slice(0, knob.indexOf(":"));
    return { ...this.defaults, ...this.overrides[family], ...this.overrides[knob] };
  }
  /** May `knob` move from `current` to `target` at time `now`? Integer knobs get a damped value. */
  admit(knob, current, target2, now, numeric2) {
    const s = this.settingsFor(knob);
    const h = this.history.get(knob);
    if (h && h.times.length > 0) {
      const last = h.times[h.times.length - 1] ?? 0;
      const dir = direction(current, target2);
      if (h.lastDirection !== 0 && dir !== 0 && dir !== h.lastDirection && now - last < s.reversalDwellMs) {
        return {
          allowed: false,
          why: `reversing ${knob} ${Math.round((now - last) / 1e3)} s after the last change; reversals wait ${Math.round(s.reversalDwellMs / 1e3)} s`,
          retryAt: last + s.reversalDwellMs
        };
      }
      if (now - last < s.minDwellMs) {
        return {
          allowed: false,
          why: `${knob} changed ${Math.round((now - last) / 1e3)} s ago; it dwells at least ${Math.round(s.minDwellMs / 1e3)} s`,
          retryAt: last + s.minDwellMs
        };
      }
      const recent = h.times.filter((t) => now - t < s.windowMs);
      if (recent.length >= s.maxChanges) {
        return {
          allowed: false,
          why: `${knob} changed ${recent.length} times in the last ${Math.round(s.windowMs / 1e3)} s; the limit is ${s.maxChanges}`,
          retryAt: (recent[0] ?? now) + s.windowMs
        };
      }
    }
    if (numeric2 && s.maxRelativeStep < 1) {
      const from2 = Number(current);
      const to = Number(target2);
      if (Number.isInteger(from2) && Number.isInteger(to)) {
        const f = s.maxRelativeStep;
        const base = from2 === 0 ? Math.abs(to) * f : Math.abs(from2) * (to < from2 ? f : f / (1 - f));
        const limit = Math.max(1, Math.ceil(base));
        if (Math.abs(to - from2) > limit) {
          return { allowed: true, value: String(from2 + Math.sign(to - from2) * limit), damped: true };
        }
      }
    }
    return { allowed: true, value: target2, damped: false };
  }
  /** Remember that `knob` changed from `from` to `to` at `now`. */
  record(knob, from2, to, now) {
    const h = this.history.get(knob) ?? { times: [], lastDirection: 0 };
    h.times.push(now);
    if (h.times.length > 64) h.times.splice(0, h.times.length - 64);
    const dir = direction(from2, to);
    if (dir !== 0) h.lastDirection = dir;
    this.history.set(knob, h);
  }
};

// ../../packages/actuators/src/journal.ts
import { closeSync as closeSync5, existsSync as existsSync2, fsyncSync, ftruncateSync, mkdirSync as mkdirSync2, openSync as openSync5, readFileSync as readFileSync3, renameSync, rmSync, writeFileSync, writeSync as writeSync2 } from "fs";
import { dirname as dirname2 } from "path";
import { crc32 } from "zlib";
function encode(record2) {
  const json = JSON.stringify(record2);
  return `${json}	${crc32(json).toString(16).padStart(8, "0")}
`;
}
var ChangeJournal = class {
  /** Path of the journal file. */
  path;
  fd;
  loaded = [];
  lockPath;
  /**
   * Open (creating if needed) the journal at `path` and read its records. Takes `<path>.lock` (the pid of
   * the owner); a lock left by a dead process is taken over.
   * @throws {@link ActuatorError} `ERR_AINKA_JOURNAL_LOCKED` when another live process holds it.
   */
  constructor(path) {
    this.path = path;
    this.lockPath = `${path}.lock`;
    const fresh = !existsSync2(path);
    if (fresh) mkdirSync2(dirname2(path), { recursive: true });
    takeLock(this.lockPath);
    const fd = openSync5(path, "a+");
    this.fd = fd;
    if (fresh) {
      fsyncSync(fd);
      syncDirectory(dirname2(path));
    }
    const text2 = readFileSync3(path, "utf8");
    let offset = 0;
    const lines = text2.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? "";
      const isLast = i === lines.length - 1;
      if (isLast) {
        if (line !== "") this.truncateTorn(Buffer.byteLength(text2.slice(0, offset)));
        break;
      }
      const record2 = decode(line);
      if (record2 === void 0) {
        if (i === lines.length - 2 && lines[lines.length - 1] === "") {
          this.truncateTorn(Buffer.byteLength(text2.slice(0, offset)));
          break;
        }
        throw new ActuatorError(
          ActuatorErrorCode.journalCorrupt,
          `change journal ${path} is damaged at line ${i + 1} (checksum mismatch before the last record); move the file aside and restore knobs by hand from its readable lines`
        );
      }
      this.loaded.push(record2);
      offset += line.length + 1;
    }
  }
  truncateTorn(bytes2) {
    if (this.fd === void 0) return;
    ftruncateSync(this.fd, bytes2);
    fsyncSync(this.fd);
  }
  /** Records read when the journal was opened, plus those appended since. */
  get records() {
    return this.loaded;
  }
  /** Append records with one `write(2)` and one `fsync(2)`; returns when they are on disk. */
  append(...records) {
    if (this.fd === void 0) throw new ActuatorError(ActuatorErrorCode.closed, `change journal ${this.path} is closed; open a new ChangeJournal`);
    writeSync2(this.fd, records.map(encode).join(""));
    fsyncSync(this.fd);
    this.loaded.push(...records);
  }
  /**
   * Replace the whole journal with `records`, atomically: written to `<path>.tmp`, fsync'd, renamed over
   * the journal, directory fsync'd. A crash leaves either the old or the new journal.
   */
  rewrite(records) {
    if (this.fd === void 0) throw new ActuatorError(ActuatorErrorCode.closed, `change journal ${this.path} is closed; open a new ChangeJournal`);
    const tmp = `${this.path}.tmp`;
    const fd = openSync5(tmp, "w");
    try {
      writeSync2(fd, records.map(encode).join(""));
      fsyncSync(fd);
    } finally {
      closeSync5(fd);
    }
    renameSync(tmp, this.path);
    syncDirectory(dirname2(this.path));
    closeSync5(this.fd);
    this.fd = openSync5(this.path, "a+");
    this.loaded.length = 0;
    this.loaded.push(...records);
  }
  /** Close the file and release the lock. */
  close() {
    if (this.fd === void 0) return;
    closeSync5(this.fd);
    this.fd = void 0;
    rmSync(this.lockPath, { force: true });
  }
};
function decode(line) {
  const tab = line.lastIndexOf("	");
  if (tab < 0) return void 0;
  const json = line.slice(0, tab);
  if (crc32(json).toString(16).padStart(8, "0") !== line.slice(tab + 1)) return void 0;
  try {
    return JSON.parse(json);
  } catch {
    return void 0;
  }
}
function syncDirectory(dir) {
  try {
    const fd = openSync5(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync5(fd);
    }
  } catch {
  }
}
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}
function takeLock(lockPath) {
  try {
    const fd = openSync5(lockPath, "wx");
    writeSync2(fd, `${process.pid}
`);
    closeSync5(fd);
    return;
  } catch (error) {
    if (error.code !== "EEXIST") throw error;
  }
  const owner = Number(readFileSync3(lockPath, "utf8").trim());
  if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
    throw new ActuatorError(
      ActuatorErrorCode.journalLocked,
      `change journal is in use by process ${owner} (${lockPath}); stop that ainkad first, or remove the lock file if that process is not AINKA`
    );
  }
  writeFileSync(lockPath, `${process.pid}
`);
}

// ../../packages/actuators/src/journalState.ts
function replayJournal(records) {
  const state2 = { changes: /* @__PURE__ */ new Map(), batches: /* @__PURE__ */ new Map(), sessions: /* @__PURE__ */ new Map(), released: /* @__PURE__ */ new Map(), nextChange: 1, nextBatch: 1 };
  for (const r of records) applyRecord(state2, r);
  return state2;
}
function applyRecord(state2, r) {
  switch (r.type) {
    case "session":
      state2.sessions.set(r.session, { rollbackOnExit: r.rollbackOnExit, ended: false, pid: r.pid });
      break;
    case "end": {
      const s = state2.sessions.get(r.session);
      if (s) s.ended = true;
      break;
    }
    case "begin":
      state2.batches.set(r.batch, { session: r.session, changes: r.changes.map((c) => c.id), status: "open" });
      for (const c of r.changes) {
        state2.changes.set(c.id, { ...c, batch: r.batch, session: r.session, at: r.at, status: "pending" });
        state2.nextChange = Math.max(state2.nextChange, c.id + 1);
      }
      state2.nextBatch = Math.max(state2.nextBatch, r.batch + 1);
      break;
    case "commit": {
      const b = state2.batches.get(r.batch);
      if (!b) break;
      b.status = "committed";
      for (const id of b.changes) {
        const c = state2.changes.get(id);
        if (!c) continue;
        c.status = "applied";
        for (const undone of c.undoes ?? []) {
          const u = state2.changes.get(undone);
          if (u) u.status = "rolled-back";
        }
      }
      break;
    }
    case "abort": {
      const b = state2.batches.get(r.batch);
      if (!b) break;
      b.status = "aborted";
      for (const id of b.changes) {
        const c = state2.changes.get(id);
        if (c) c.status = "aborted";
      }
      break;
    }
    case "release":
      state2.released.set(r.knob, { knob: r.knob, expected: r.expected, observed: r.observed, who: r.who, at: r.at });
      for (const c of state2.changes.values()) if (c.knob === r.knob && c.status === "applied") c.status = "released";
      break;
    case "reclaim":
      state2.released.delete(r.knob);
      break;
  }
}
function managedKnobs(state2) {
  const byKnob = /* @__PURE__ */ new Map();
  for (const c of state2.changes.values()) {
    if (c.status !== "applied") continue;
    const list = byKnob.get(c.knob) ?? [];
    list.push(c);
    byKnob.set(c.knob, list);
  }
  const out = /* @__PURE__ */ new Map();
  for (const [knob, list] of byKnob) {
    list.sort((a, b) => a.id - b.id);
    const active = list.filter((c) => c.reversible && c.undoes === void 0);
    const last = list[list.length - 1];
    const first = active[0];
    if (!first || !last) continue;
    out.set(knob, { knob, value: last.after, original: first.before, changes: active.map((c) => c.id) });
  }
  return out;
}

// ../../packages/actuators/src/whoChanged.ts
import { readdirSync as readdirSync2 } from "fs";
import { join as join3 } from "path";
var SYSCTL_DIRS = ["etc/sysctl.d", "run/sysctl.d", "usr/local/lib/sysctl.d", "usr/lib/sysctl.d"];
var defaultWhoChanged = (root, knob, observed) => {
  const id = parseKnobId(knob);
  if (id.kind === "sysctl") {
    const files = ["etc/sysctl.conf"];
    for (const dir of SYSCTL_DIRS) {
      try {
        for (const f of readdirSync2(join3(root, dir)).sort()) if (f.endsWith(".conf")) files.push(`${dir}/${f}`);
      } catch {
      }
    }
    const names = [id.attribute, id.attribute.replace(/\./g, "/")];
    for (const file of files) {
      const text2 = readRootFile(root, file);
      if (!text2) continue;
      for (const line of text2.split("\n")) {
        const m = /^\s*-?\s*([^#;=\s]+)\s*=\s*(.*)$/.exec(line);
        if (m && names.includes(m[1] ?? "") && normalizeValue(m[2] ?? "") === observed) {
          return `/${file} (applied by systemd-sysctl or 'sysctl --system')`;
        }
      }
    }
  }
  const tuned = readRootFile(root, "etc/tuned/active_profile");
  if (tuned?.trim()) return `possibly TuneD (active profile '${tuned.trim()}')`;
  return void 0;
};

// ../../packages/actuators/src/changeManager.ts
var SYSTEMD_RESTART_LIMITS = { minDwellMs: 10 * 6e4, maxChanges: 3, windowMs: 60 * 6e4 };
var ChangeManager = class _ChangeManager {
  /** Session id of this instance. */
  session;
  /** The root path knobs live under. */
  root;
  /** What happened while opening. */
  recovery;
  journal;
  state;
  actuators;
  guard;
  clock;
  logLine;
  whoChanged;
  options;
  mode;
  queue = Promise.resolve();
  closed = false;
  counts = /* @__PURE__ */ new Map();
  constructor(options, journal) {
    this.options = options;
    this.session = options.session ?? randomUUID();
    this.root = options.root ?? "/";
    this.mode = options.mode ?? "advise";
    this.actuators = options.actuators ?? createActuators();
    this.guard = options.flap === false ? void 0 : options.flap instanceof FlapGuard ? options.flap : new FlapGuard(options.flap ?? {}, { systemd: SYSTEMD_RESTART_LIMITS });
    this.clock = options.clock ?? Date.now;
    this.logLine = options.log ?? (() => void 0);
    this.whoChanged = options.whoChanged ?? defaultWhoChanged;
    this.journal = journal;
    this.state = replayJournal(journal.records);
    for (const c of this.history()) if (c.status === "applied" && c.undoes === void 0) this.guard?.record(c.knob, c.before, c.after, c.at);
    this.recovery = { reverted: [], completed: [], rolledBackSessions: [] };
  }
  /**
   * Open the journal under `stateDir`, finish or revert any batch a crash interrupted, roll back dead
   * sessions that asked for rollback-on-exit, and start a new session.
   */
  static async open(options) {
    const manager = new _ChangeManager(options, new ChangeJournal(join4(options.stateDir, "journal.log")));
    await manager.recover();
    manager.append({ type: "session", session: manager.session, pid: process.pid, rollbackOnExit: options.rollbackOnExit ?? false, at: manager.clock() });
    return manager;
  }
  /** Current mode. */
  get currentMode() {
    return this.mode;
  }
  /** Switch between advise and enforce. */
  setMode(mode4) {
    this.mode = mode4;
  }
  append(...records) {
    this.journal.append(...records);
    for (const r of records) applyRecord(this.state, r);
  }
  serial(fn) {
    if (this.closed) return Promise.reject(new ActuatorError(ActuatorErrorCode.closed, "the change manager is closed; open a new one with ChangeManager.open()"));
    const run2 = this.queue.then(fn, fn);
    this.queue = run2.catch(() => void 0);
    return run2;
  }
  actuatorFor(knob) {
    return this.actuators[knob.kind];
  }
  async recover() {
    const reverted = [];
    const completed = [];
    for (const [batch, b] of this.state.batches) {
      if (b.status !== "open") continue;
      const changes = b.changes.map((id) => this.state.changes.get(id)).filter((c) => c !== void 0);
      if (this.options.recovery === "complete" && changes.every((c) => c.reversible)) {
        try {
          for (const c of changes) await this.write(parseKnobId(c.knob), c.after, "apply");
          this.append({ type: "commit", batch, at: this.clock() });
          completed.push(batch);
          this.logLine(`recovery: completed interrupted batch ${batch} (${changes.map((c) => `${c.knob} \u2192 ${c.after}`).join(", ")})`);
          continue;
        } catch {
        }
      }
      const problems = [];
      for (const c of [...changes].reverse()) {
        if (!c.reversible) continue;
        const knob = parseKnobId(c.knob);
        let current;
        try {
          current = await this.actuatorFor(knob).read(this.root, knob);
        } catch {
          current = void 0;
        }
        try {
          if (c.identity !== void 0 && await this.actuatorFor(knob).identity?.(this.root, knob) !== c.identity) continue;
          if (current !== normalizeValue(c.before)) await this.write(knob, c.before, "revert");
        } catch (error) {
          problems.push(`could not restore ${c.knob} to ${c.before}: ${error.message}`);
        }
      }
      this.append({ type: "abort", batch, at: this.clock(), note: problems.length ? `interrupted; reverted on start except: ${problems.join("; ")}` : "interrupted; reverted on start" });
      for (const p of problems) this.logLine(`recovery: ${p}`);
      reverted.push(batch);
      this.logLine(`recovery: reverted interrupted batch ${batch} (${changes.map((c) => `${c.knob} back to ${c.before}`).join(", ")})`);
    }
    const dead = [...this.state.sessions].filter(([, s]) => s.rollbackOnExit && !s.ended).map(([id]) => id);
    for (const session of dead) {
      await this.rollbackChanges(this.activeChanges((c) => c.session === session), `session ${session} asked for rollback on exit and did not exit cleanly`);
      this.append({ type: "end", session, at: this.clock() });
    }
    Object.assign(this.recovery, { reverted, completed, rolledBackSessions: dead });
  }
  async write(knob, value, how) {
    const actuator = this.actuatorFor(knob);
    if (how === "apply") await actuator.apply(this.root, knob, value);
    else await actuator.revert(this.root, knob, value);
  }
  /**
   * Apply a plan as one batch. Requests are checked (released knob, unchanged value, bounds, anti-flapping)
   * and then, in enforce mode, journaled together (fsync'd), written in order, read back, and committed.
   * If a write or a read-back fails, the batch's earlier writes are reverted and the batch aborted.
   */
  apply(requests) {
    return this.serial(() => this.applyNow(requests));
  }
  async applyNow(requests) {
    const outcomes = [];
    const planned = [];
    const seen = /* @__PURE__ */ new Set();
    const now = this.clock();
    let nextId = this.state.nextChange;
    for (const req of requests) {
      const value = normalizeValue(String(req.value));
      let knob;
      try {
        knob = parseKnobId(req.knob);
        specOf(knob);
      } catch (error) {
        outcomes.push(this.skip(req.knob, error));
        continue;
      }
      if (seen.has(knob.id)) {
        outcomes.push({ knob: knob.id, status: "skipped", line: `skip ${knob.id}: already changed earlier in this plan` });
        continue;
      }
      seen.add(knob.id);
      const released = this.state.released.get(knob.id);
      if (released) {
        outcomes.push({
          knob: knob.id,
          status: "skipped",
          line: `skip ${knob.id}: changed outside AINKA (to ${released.observed}, by ${released.who}); AINKA no longer manages it \u2014 reclaim it to manage it again`
        });
        continue;
      }
      const actuator = this.actuatorFor(knob);
      const spec = specOf(knob);
      let before;
      try {
        before = await actuator.read(this.root, knob);
        const owned = spec.reversible ? managedKnobs(this.state).get(knob.id) : void 0;
        if (owned && !await actuator.verify(this.root, knob, owned.value)) {
          const released2 = this.release(owned.knob, owned.value, before);
          outcomes.push({ knob: knob.id, status: "skipped", before, line: `skip ${knob.id}: changed outside AINKA (to ${before}, by ${released2.who}); AINKA no longer manages it \u2014 reclaim it to manage it again` });
          continue;
        }
        if (spec.reversible && before === value) {
          outcomes.push({ knob: knob.id, status: "skipped", before, after: value, line: `skip ${knob.id}: already ${value}` });
          continue;
        }
        await actuator.validate(this.root, knob, value);
      } catch (error) {
        outcomes.push(this.skip(knob.id, error));
        continue;
      }
      let target2 = value;
      let damped = "";
      if (this.guard) {
        const decision = this.guard.admit(knob.id, before, value, now, spec.numeric);
        if (!decision.allowed) {
          outcomes.push({ knob: knob.id, status: "skipped", before, line: `hold ${knob.id} at ${before} (anti-flapping): ${decision.why}` });
          continue;
        }
        if (decision.damped) {
          target2 = decision.value;
          damped = ` (damped step towards ${value})`;
          try {
            await actuator.validate(this.root, knob, target2);
          } catch (error) {
            outcomes.push(this.skip(knob.id, error));
            continue;
          }
        }
      }
      const line = `reason '${req.reason}' on knob ${knob.id}: ${before} \u2192 ${target2}${damped}, because ${req.because}`;
      if (req.mode === "advise" || this.mode === "advise") {
        outcomes.push({ knob: knob.id, status: "proposed", before, after: target2, line: `advise: ${line}` });
        this.logLine(`advise: ${line}`);
        continue;
      }
      const identity = await actuator.identity?.(this.root, knob);
      planned.push({
        knob,
        actuator,
        change: { id: nextId++, knob: knob.id, before, after: target2, reason: req.reason, because: req.because, reversible: spec.reversible, ...identity !== void 0 ? { identity } : {} }
      });
      outcomes.push({ knob: knob.id, status: "applied", before, after: target2, id: nextId - 1, line });
    }
    if (planned.length === 0) return { outcomes };
    const batch = await this.runBatch(planned);
    if (batch.ok) {
      for (const p of planned) {
        this.guard?.record(p.knob.id, p.change.before, p.change.after, now);
        this.counts.set(p.change.reason, (this.counts.get(p.change.reason) ?? 0) + 1);
        this.logLine(outcomes.find((o) => o.id === p.change.id)?.line ?? "");
      }
      return { batch: batch.batch, outcomes };
    }
    const failedIds = new Set(planned.map((p) => p.change.id));
    return {
      batch: batch.batch,
      outcomes: outcomes.map(
        (o) => o.id !== void 0 && failedIds.has(o.id) ? { knob: o.knob, status: "failed", before: o.before, after: o.after, line: `failed (batch reverted): ${batch.message}`, code: batch.code } : o
      )
    };
  }
  skip(knob, error) {
    const code = error instanceof ActuatorError ? error.code : void 0;
    return { knob, status: "skipped", line: `skip ${knob}: ${error.message}`, ...code ? { code } : {} };
  }
  /** Journal, write, verify, commit; on failure revert what was written and abort. */
  async runBatch(planned) {
    const batch = this.state.nextBatch;
    this.append({ type: "begin", batch, session: this.session, at: this.clock(), changes: planned.map((p) => p.change) });
    const done = [];
    try {
      for (const p of planned) {
        if (p.change.undoes) await p.actuator.revert(this.root, p.knob, p.change.after);
        else await p.actuator.apply(this.root, p.knob, p.change.after);
        done.push(p);
        if (p.change.reversible && !await p.actuator.verify(this.root, p.knob, p.change.after)) {
          throw new ActuatorError(
            ActuatorErrorCode.verifyFailed,
            `${p.knob.id} does not read back as '${p.change.after}' after writing it; the kernel adjusted or refused it \u2014 choose a value it accepts`,
            p.knob.id
          );
        }
      }
    } catch (error) {
      for (const p of [...done].reverse()) {
        if (!p.change.reversible) continue;
        try {
          await p.actuator.revert(this.root, p.knob, p.change.before);
        } catch {
        }
      }
      const message = error.message;
      this.append({ type: "abort", batch, at: this.clock(), note: message });
      this.logLine(`batch ${batch} failed and was reverted: ${message}`);
      return { ok: false, batch, message, code: error instanceof ActuatorError ? error.code : ActuatorErrorCode.writeFailed };
    }
    this.append({ type: "commit", batch, at: this.clock() });
    return { ok: true, batch };
  }
  activeChanges(filter) {
    return [...this.state.changes.values()].filter((c) => c.status === "applied" && c.reversible && c.undoes === void 0 && filter(c));
  }
  /**
   * Undo changes as one batch: each knob goes back to the `before` of its earliest change in the list,
   * and every later active change on that knob is undone with it. Knobs released to an administrator are
   * left alone and reported.
   */
  async rollbackChanges(changes, because) {
    const outcomes = [];
    const byKnob = /* @__PURE__ */ new Map();
    for (const c of [...changes].sort((a, b) => a.id - b.id)) if (!byKnob.has(c.knob)) byKnob.set(c.knob, c);
    const planned = [];
    let nextId = this.state.nextChange;
    for (const [knobId, earliest] of byKnob) {
      const released = this.state.released.get(knobId);
      if (released) {
        outcomes.push({ knob: knobId, status: "skipped", line: `leave ${knobId} at ${released.observed}: changed outside AINKA (by ${released.who}), not rolled back` });
        continue;
      }
      const knob = parseKnobId(knobId);
      const actuator = this.actuatorFor(knob);
      const undone = this.activeChanges((c) => c.knob === knobId && c.id >= earliest.id).map((c) => c.id);
      if (earliest.identity !== void 0 && await actuator.identity?.(this.root, knob) !== earliest.identity) {
        outcomes.push({ knob: knobId, status: "skipped", line: `leave ${knobId}: the object AINKA changed is gone (${knob.kind === "process" ? `pid ${knob.target} exited or now belongs to another process` : "replaced"}), not rolled back` });
        continue;
      }
      let current;
      try {
        current = await actuator.read(this.root, knob);
      } catch (error) {
        outcomes.push(this.skip(knobId, error));
        continue;
      }
      const change = { id: nextId++, knob: knobId, before: current, after: earliest.before, reason: "rollback", because, reversible: true, undoes: undone };
      planned.push({ knob, actuator, change });
      outcomes.push({ knob: knobId, status: "applied", before: current, after: earliest.before, id: change.id, line: `reason 'rollback' on knob ${knobId}: ${current} \u2192 ${earliest.before}, because ${because}` });
    }
    if (planned.length === 0) return { outcomes };
    const result = await this.runBatch(planned);
    if (!result.ok) {
      return { batch: result.batch, outcomes: outcomes.map((o) => o.status === "applied" ? { ...o, status: "failed", line: `rollback failed: ${result.message}`, code: result.code } : o) };
    }
    for (const o of outcomes) if (o.status === "applied") this.logLine(o.line);
    this.counts.set("rollback", (this.counts.get("rollback") ?? 0) + planned.length);
    return { batch: result.batch, outcomes };
  }
  /** Roll back one change (and any later change on the same knob). */
  rollback(changeId) {
    return this.serial(async () => {
      const c = this.state.changes.get(changeId);
      if (!c || c.undoes !== void 0) {
        throw new ActuatorError(ActuatorErrorCode.notInJournal, `change #${changeId} is not a change in the journal; list changes with history()`);
      }
      if (c.status !== "applied") return { outcomes: [{ knob: c.knob, status: "skipped", line: `skip change #${changeId}: it is ${c.status}` }] };
      return this.rollbackChanges([c], `rollback of change #${changeId} requested`);
    });
  }
  /** Roll back every active change a session made (default: this session). */
  rollbackSession(session = this.session) {
    return this.serial(() => this.rollbackChanges(this.activeChanges((c) => c.session === session), `rollback of session ${session} requested`));
  }
  /** Roll back everything AINKA manages, to the values it found. */
  rollbackAll() {
    return this.serial(() => this.rollbackChanges(this.activeChanges(() => true), "rollback of all changes requested"));
  }
  /**
   * Compare every managed knob with the value AINKA set. A knob that differs was changed by someone else:
   * it is released (journaled), never written or rolled back again until {@link reclaim}, and reported.
   */
  checkAdminWrites() {
    return this.serial(async () => {
      const found = [];
      for (const m of managedKnobs(this.state).values()) {
        if (this.state.released.has(m.knob)) continue;
        const knob = parseKnobId(m.knob);
        const actuator = this.actuatorFor(knob);
        let observed;
        try {
          observed = await actuator.read(this.root, knob);
        } catch {
          observed = "(unreadable)";
        }
        const identity = this.state.changes.get(m.changes[0] ?? 0)?.identity;
        if (identity !== void 0 && await actuator.identity?.(this.root, knob) !== identity) {
          found.push(this.release(m.knob, m.value, observed, `nobody: pid ${knob.target} exited or was reused`));
          continue;
        }
        if (observed !== "(unreadable)" && await actuator.verify(this.root, knob, m.value)) continue;
        found.push(this.release(m.knob, m.value, observed));
      }
      return found;
    });
  }
  release(knob, expected, observed, known) {
    const who = known ?? this.whoChanged(this.root, knob, observed) ?? "an unknown writer";
    const record2 = { type: "release", knob, expected, observed, who, at: this.clock() };
    this.append(record2);
    this.logLine(
      `knob ${knob} was changed outside AINKA: expected ${expected}, found ${observed} (by ${who}); AINKA stops managing it and will not roll it back \u2014 reclaim it to manage it again`
    );
    return record2;
  }
  /** Manage a released knob again. */
  reclaim(knob) {
    return this.serial(async () => {
      if (!this.state.released.has(knob)) return;
      this.append({ type: "reclaim", knob, at: this.clock() });
      this.logLine(`knob ${knob} reclaimed: AINKA manages it again`);
    });
  }
  /**
   * Shrink the journal to what rollbacks and admin respect still need: this session, every active change
   * (one committed batch per knob, ids and previous values kept), and the released knobs. History of
   * finished, rolled-back and irreversible changes is dropped. Atomic (write, fsync, rename).
   * @returns the number of records before and after.
   */
  compact() {
    return this.serial(async () => {
      const before = this.journal.records.length;
      const at = this.clock();
      const me = this.state.sessions.get(this.session);
      const records = [{ type: "session", session: this.session, pid: process.pid, rollbackOnExit: me?.rollbackOnExit ?? false, at }];
      const byKnob = /* @__PURE__ */ new Map();
      for (const c of this.activeChanges(() => true)) byKnob.set(c.knob, [...byKnob.get(c.knob) ?? [], c]);
      let batch = 1;
      for (const list of byKnob.values()) {
        const changes = list.map(({ id, knob, before: b, after, reason, because, reversible, identity }) => ({
          id,
          knob,
          before: b,
          after,
          reason,
          because,
          reversible,
          ...identity !== void 0 ? { identity } : {}
        }));
        const session = list[list.length - 1]?.session ?? this.session;
        records.push({ type: "begin", batch, session, at, changes }, { type: "commit", batch, at });
        batch++;
      }
      for (const r of this.state.released.values()) records.push({ type: "release", ...r });
      this.journal.rewrite(records);
      const fresh = replayJournal(records);
      fresh.nextChange = Math.max(fresh.nextChange, this.state.nextChange);
      fresh.nextBatch = Math.max(fresh.nextBatch, this.state.nextBatch);
      Object.assign(this.state, fresh);
      this.logLine(`journal compacted: ${before} \u2192 ${records.length} records`);
      return { before, after: records.length };
    });
  }
  /** Knobs AINKA manages now. */
  managed() {
    return [...managedKnobs(this.state).values()].filter((m) => !this.state.released.has(m.knob));
  }
  /** Knobs released to someone else. */
  released() {
    return [...this.state.released.values()];
  }
  /** Every journaled change, oldest first. */
  history() {
    return [...this.state.changes.values()].sort((a, b) => a.id - b.id);
  }
  /** What happened how often in this session, and the commands that reproduce the managed settings. */
  summary() {
    const lines = ["changes this session by reason:"];
    for (const [reason, n] of [...this.counts].sort((a, b) => b[1] - a[1])) lines.push(`  ${reason}: ${n}`);
    if (this.counts.size === 0) lines.push("  (none)");
    const managed = this.managed();
    lines.push("reproduce the managed settings with:");
    for (const m of managed) lines.push(`  ${reproduceCommand(parseKnobId(m.knob), m.value)}`);
    if (managed.length === 0) lines.push("  (nothing managed)");
    return lines.join("\n");
  }
  /** Close the session: roll back its changes if `rollbackOnExit` is set, log the {@link summary}, close the journal. */
  async close() {
    if (this.closed) return;
    if (this.options.rollbackOnExit) await this.rollbackSession();
    if (this.counts.size > 0) for (const line of this.summary().split("\n")) this.logLine(line);
    await this.serial(async () => {
      this.append({ type: "end", session: this.session, at: this.clock() });
    });
    this.closed = true;
    this.journal.close();
  }
};
function reproduceCommand(knob, value) {
  switch (knob.kind) {
    case "sysctl":
      return `sysctl -w ${knob.attribute}='${value}'`;
    case "systemd":
      return `systemctl restart ${knob.target}`;
    case "process":
      if (knob.attribute === "nice") return `renice -n ${value} -p ${knob.target}`;
      if (knob.attribute === "ionice") return `ionice ${value === "idle" ? "-c 3" : value === "none" ? "-c 0" : `-c 2 -n ${value.slice(3)}`} -p ${knob.target}`;
      return `echo '${value}' > /${knobPath(knob)}`;
    default:
      return `echo '${value}' > /${knobPath(knob)}`;
  }
}

// src/actionStage.ts
function delayed(set, ms) {
  const wrap2 = (a) => ({
    kind: a.kind,
    read: (r, k) => a.read(r, k),
    validate: (r, k, v) => a.validate(r, k, v),
    apply: async (r, k, v) => {
      await new Promise((res) => setTimeout(res, ms));
      await a.apply(r, k, v);
    },
    verify: (r, k, v) => a.verify(r, k, v),
    revert: (r, k, v) => a.revert(r, k, v)
  });
  return Object.fromEntries(Object.entries(set).map(([k, a]) => [k, wrap2(a)]));
}
var ActionStage = class _ActionStage {
  constructor(manager, opts) {
    this.manager = manager;
    this.opts = opts;
  }
  manager;
  opts;
  records = [];
  lastProposed = /* @__PURE__ */ new Map();
  writes = [];
  nextId = 1;
  nextKernelId = 1;
  busy = false;
  /** Open the journal (recovering what a crash interrupted). */
  static async open(opts) {
    const actuators = opts.applyDelayMs !== void 0 && opts.applyDelayMs > 0 ? delayed(createActuators(), opts.applyDelayMs) : createActuators();
    const manager = await ChangeManager.open({
      stateDir: opts.stateDir,
      root: opts.root,
      mode: opts.mode,
      rollbackOnExit: opts.rollbackOnExit,
      recovery: opts.recovery,
      actuators,
      log: opts.log
    });
    return new _ActionStage(manager, opts);
  }
  /** True while a plan is being applied (the next tick's decisions wait for the next tick). */
  get inFlight() {
    return this.busy;
  }
  /**
   * Handle a tick's decisions. Advice is proposed without writing; enforce-mode decisions are applied
   * when the daemon runs in enforce mode and the rate limit allows.
   */
  async handle(decisions, now, latencyMs) {
    const cooldown = this.opts.cooldownMs ?? 6e4;
    const fresh = decisions.filter((d2) => {
      const until = this.lastProposed.get(d2.knob);
      return until === void 0 || now >= until;
    });
    if (fresh.length === 0 || this.busy) return [];
    while (this.writes.length > 0 && now - this.writes[0] > 6e4) this.writes.shift();
    const budget = this.opts.maxPerMinute - this.writes.length;
    let enforced = 0;
    const requests = fresh.map((d2) => {
      let mode4 = d2.mode;
      if (mode4 === "enforce") {
        if (enforced >= budget) mode4 = "advise";
        else enforced++;
      }
      return { knob: d2.knob, value: d2.value, reason: d2.rule, because: d2.because, mode: mode4 };
    });
    this.busy = true;
    let result;
    try {
      result = await this.manager.apply(requests);
    } finally {
      this.busy = false;
    }
    const out = [];
    result.outcomes.forEach((o, i) => {
      const d2 = fresh[i];
      this.lastProposed.set(d2.knob, now + (o.status === "skipped" && o.code !== void 0 ? cooldown * 10 : cooldown));
      if (o.status === "applied") this.writes.push(now);
      const rec = {
        id: `D${this.nextId++}`,
        policy: d2.policy,
        rule: d2.rule,
        knob: o.knob,
        value: o.after ?? d2.value,
        mode: requests[i]?.mode ?? "advise",
        status: o.status,
        before: o.before ?? null,
        line: o.line,
        because: d2.because,
        evidence: d2.evidence,
        changeId: o.id ?? null,
        at: now,
        latencyMs
      };
      this.records.push(rec);
      out.push(rec);
    });
    if (this.records.length > 500) this.records.splice(0, this.records.length - 500);
    return out;
  }
  /** Record a decision taken elsewhere (the kernel's policy cache) in the decision log; ids are `K<n>`. */
  note(d2) {
    const rec = { id: `K${this.nextKernelId++}`, ...d2 };
    this.records.push(rec);
    if (this.records.length > 500) this.records.splice(0, this.records.length - 500);
    return rec;
  }
  /** Every record, newest first. */
  all() {
    return [...this.records].reverse();
  }
  /** Current advice: proposals from the last `windowMs`, newest first, one per knob. */
  advice(now, windowMs = 12e4) {
    const seen = /* @__PURE__ */ new Set();
    return this.all().filter((r) => {
      if (r.status !== "proposed" || now - r.at > windowMs || seen.has(r.knob)) return false;
      seen.add(r.knob);
      return true;
    });
  }
  /** A record by id (`D3`), or by journal change id (`#12` / `12`). */
  find(id) {
    const n = /^#?(\d+)$/.exec(id);
    if (n !== null) return this.records.find((r) => r.changeId === Number(n[1]));
    return this.records.find((r) => r.id === id);
  }
  /** Roll back one change (by record id or journal change id), or everything. */
  async rollback(target2) {
    if (target2.all === true) return this.manager.rollbackAll();
    const id = target2.id ?? "";
    const rec = this.find(id);
    const changeId = rec?.changeId ?? (/^#?\d+$/.test(id) ? Number(id.replace("#", "")) : null);
    if (changeId === null) {
      throw new DaemonError("ERR_AINKA_DAEMON_NOT_FOUND", `${id} is not an applied change; list them with \`ainka explain\` or \`ainka status --json\` (advice was never applied, so there is nothing to roll back).`);
    }
    return this.manager.rollback(changeId);
  }
  /** Close the journal session (rolling back when configured). */
  close() {
    return this.manager.close();
  }
};

// src/history.ts
import { mkdirSync as mkdirSync3 } from "fs";
import { dirname as dirname3 } from "path";
function parseSeriesKey(key) {
  const brace = key.indexOf("{");
  if (brace < 0 || !key.endsWith("}")) return { name: key };
  const labels = {};
  const re = /([A-Za-z_][\w.]*)=("(?:[^"\\]|\\.)*")/g;
  for (const m of key.slice(brace + 1, -1).matchAll(re)) labels[m[1]] = JSON.parse(m[2]);
  return { name: key.slice(0, brace), labels };
}
var DaemonHistory = class {
  manager;
  constructor(opts) {
    mkdirSync3(dirname3(opts.path), { recursive: true });
    const raw = opts.retentionMs ?? 6 * 36e5;
    this.manager = new HistoryManager({
      path: opts.path,
      tiers: [
        { name: "raw", resolutionMs: 1e3, retentionMs: raw },
        { name: "1m", resolutionMs: 6e4, retentionMs: Math.max(30 * 864e5, raw * 2) },
        { name: "1h", resolutionMs: 36e5, retentionMs: Math.max(365 * 864e5, raw * 4) }
      ],
      ...opts.maxBytes !== void 0 ? { maxBytes: opts.maxBytes } : {},
      ...opts.flushIntervalMs !== void 0 ? { flushIntervalMs: opts.flushIntervalMs } : {}
    });
  }
  /** Buffer samples for the next flush. */
  write(samples) {
    this.manager.write(samples);
  }
  /** Points of a metric (every series of that name) or of one series key, from `since` until now. */
  query(series, since, until = Date.now() + 1) {
    const { name: name2, labels } = parseSeriesKey(series);
    this.manager.flush();
    const found = this.manager.query({ name: name2, ...labels !== void 0 ? { labels } : {}, from: since, to: until });
    return { series: found.map((s) => ({ series: seriesKey(s), points: s.points.map((p) => ({ t: p.timestamp, value: p.value })) })) };
  }
  /** Flush and close. */
  close() {
    try {
      this.manager.flush();
    } finally {
      this.manager.close();
    }
  }
};

// src/alertStage.ts
var AlertStage = class {
  manager;
  analyzer;
  sub;
  detections = [];
  constructor(o) {
    this.manager = new AlertManager({ sinks: [o.sink], groupWaitMs: 500 });
    this.analyzer = o.logs ? new LogAnalyzer({ root: o.root, journal: o.journal }) : void 0;
  }
  /** Start reading the kernel log. */
  start(onDetection) {
    if (this.analyzer === void 0) return;
    this.sub = this.analyzer.detections$.subscribe((d2) => {
      this.detections.push(d2);
      if (this.detections.length > 200) this.detections.shift();
      onDetection(d2, this.manager.raise(alertFromDetection(d2)));
    });
    this.analyzer.start();
  }
  /** Raise (or refresh) the alert of an anomaly, with the series as evidence. */
  anomaly(a, recent) {
    const { name: name2, labels } = parseSeriesKey(a.series);
    return this.manager.raise({
      name: "anomaly",
      severity: a.score >= 0.99 ? "warning" : "info",
      summary: `${a.series}: ${a.reason}`,
      labels: { series: a.series },
      evidence: { series: [{ name: name2, ...labels !== void 0 ? { labels } : {}, points: recent.map((p) => ({ timestamp: p.t, value: p.value })) }], note: a.reason },
      timestamp: a.at
    });
  }
  /** Firing (and recently resolved) alerts. */
  active() {
    return this.manager.active();
  }
  /** An alert by fingerprint, or the alert of an anomaly's series. */
  find(idOrFingerprint) {
    return this.manager.active().find((a) => a.fingerprint === idOrFingerprint || a.name === idOrFingerprint);
  }
  /** Kernel-log sources (kmsg, journal) and whether they work here. */
  status() {
    if (this.analyzer === void 0) return [{ id: "logs", available: false, reason: "disabled by config (logs.enabled: false)" }];
    return this.analyzer.status().map((s) => s.available ? { id: `logs:${s.id}`, available: true } : { id: `logs:${s.id}`, available: false, reason: s.reason ?? "unknown" });
  }
  /** Stop reading logs. */
  close() {
    this.sub?.unsubscribe();
    this.analyzer?.close();
  }
};

// src/glob.ts
function globMatcher(patterns) {
  if (patterns.length === 0) return () => false;
  const body = patterns.map((p) => p.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")).join("|");
  const re = new RegExp(`^(?:${body})$`);
  return (name2) => re.test(name2);
}

// src/anomalyStage.ts
var AnomalyStage = class {
  detectors = /* @__PURE__ */ new Map();
  active = /* @__PURE__ */ new Map();
  scores = /* @__PURE__ */ new Map();
  closed = [];
  excluded;
  opts;
  nextId = 1;
  dropped = 0;
  constructor(options) {
    this.opts = options;
    this.excluded = globMatcher(options.exclude);
  }
  /** Feed one point; returns the record when this point opened a new anomaly. */
  update(key, name2, t, value) {
    let d2 = this.detectors.get(key);
    if (d2 === void 0) {
      if (this.excluded(name2)) return void 0;
      if (this.detectors.size >= this.opts.maxSeries) {
        this.dropped++;
        return void 0;
      }
      d2 = this.opts.factory();
      this.detectors.set(key, d2);
    }
    const r = d2.update(t, value);
    this.scores.set(key, r.score);
    const a = this.active.get(key);
    if (r.score >= this.opts.threshold) {
      if (a !== void 0) {
        a.record = { ...a.record, lastAt: t, count: a.record.count + 1, score: Math.max(a.record.score, r.score), value };
        a.quietSince = null;
        return void 0;
      }
      const record2 = {
        id: `A${this.nextId++}`,
        series: key,
        value,
        expected: r.explanation.expected ?? null,
        score: r.score,
        reason: r.explanation.reason,
        at: t,
        lastAt: t,
        count: 1
      };
      this.active.set(key, { record: record2, quietSince: null });
      return record2;
    }
    if (a !== void 0) {
      if (a.quietSince === null) a.quietSince = t;
      else if (t - a.quietSince >= (this.opts.quietMs ?? 3e4)) {
        this.active.delete(key);
        this.closed.push(a.record);
        if (this.closed.length > (this.opts.keepClosed ?? 500)) this.closed.shift();
      }
    }
    return void 0;
  }
  /** Active anomalies, newest first. */
  activeRecords() {
    return [...this.active.values()].map((a) => a.record).sort((x, y) => y.at - x.at);
  }
  /** Active and recently closed anomalies, newest first. */
  all() {
    return [...this.activeRecords(), ...[...this.closed].reverse()];
  }
  /** Look an anomaly up by id. */
  find(id) {
    return this.all().find((r) => r.id === id);
  }
  /** Latest anomaly score of a series (0 … 1), for policy conditions. */
  score(key) {
    return this.scores.get(key);
  }
  /** Whether a series is anomalous now. */
  isActive(key) {
    return this.active.has(key);
  }
  /** Number of series with a detector. */
  get detectorCount() {
    return this.detectors.size;
  }
  /** Series refused because `maxSeries` was reached. */
  get droppedCount() {
    return this.dropped;
  }
};

// src/ebpfSource.ts
import { defer, Subject as Subject4 } from "rxjs";
function ebpfMetricSource(streams, percentile, pollMs) {
  const out = new Subject4();
  const subs = [];
  const emit = (name2, unit, value, timestamp) => {
    if (Number.isFinite(value)) out.next({ name: name2, unit, value, timestamp });
  };
  const hist = (prefix, h, at) => {
    if (h.count <= 0) return;
    emit(`${prefix}_p50_seconds`, "seconds", percentile(h, 0.5) / 1e9, at);
    emit(`${prefix}_p99_seconds`, "seconds", percentile(h, 0.99) / 1e9, at);
    emit(`${prefix}_mean_seconds`, "seconds", h.sum / h.count / 1e9, at);
  };
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    if (streams.runQueueLatency$) subs.push(streams.runQueueLatency$.subscribe((s) => hist("sched.runq_latency", s.interval, s.at)));
    if (streams.connectLatency$) subs.push(streams.connectLatency$.subscribe((s) => hist("net.tcp.connect_latency", s.interval, s.at)));
    if (streams.contextSwitches$) subs.push(streams.contextSwitches$.subscribe((s) => emit("sched.context_switches_per_second", "per_second", s.interval.total * 1e3 / pollMs, s.at)));
    if (streams.oomKills$) subs.push(streams.oomKills$.subscribe(() => emit("ebpf.oom_kill_events", "count", 1, Date.now())));
  };
  return {
    id: "ebpf",
    // The programs are attached on the first subscription (the collector's start), not before.
    samples$: defer(() => {
      start();
      return out.asObservable();
    }),
    close() {
      for (const s of subs) s.unsubscribe();
      out.complete();
      streams.host?.closeAll?.();
    }
  };
}

// src/capabilities.ts
function isRoot() {
  return typeof process.getuid === "function" && process.getuid() === 0;
}
function readProbe(r) {
  if (typeof r === "boolean") return { ok: r };
  if (r !== null && typeof r === "object") {
    const o = r;
    const ok = [o.available, o.loaded, o.ok, o.present].find((v) => typeof v === "boolean");
    let reason = [o.reason, o.message, o.why].find((v) => typeof v === "string");
    const list = [o.problems, o.reasons].find((v) => Array.isArray(v) && v.length > 0);
    if (reason === void 0 && list !== void 0) reason = list.map(String).join("; ");
    if (reason !== void 0) reason = reason.replace(/\s+/g, " ").trim();
    return reason === void 0 ? { ok: ok === true } : { ok: ok === true, reason };
  }
  return { ok: false, reason: "the probe returned nothing usable" };
}
async function probeKernel(mode4) {
  if (mode4 === "off") return { id: "kernel-module", available: false, reason: "disabled by config (kernel.module: off)" };
  let mod;
  try {
    mod = await import("@ainka/ipc");
  } catch (err) {
    return { id: "kernel-module", available: false, reason: `@ainka/ipc failed to load (${describeError(err).message})` };
  }
  const K = mod.AinkaKernel;
  const probe = K?.probe ?? mod.probeKernel;
  if (typeof probe !== "function") {
    return { id: "kernel-module", available: false, reason: "@ainka/ipc exports no AinkaKernel.probe() yet: the immediate (kernel policy cache) layer is off" };
  }
  try {
    const r = readProbe(await probe.call(K));
    return r.ok ? { id: "kernel-module", available: true } : { id: "kernel-module", available: false, reason: r.reason ?? "the ainka module is not loaded (modprobe ainka, or install the DKMS package)" };
  } catch (err) {
    return { id: "kernel-module", available: false, reason: describeError(err).message.replace(/\s+/g, " ") };
  }
}
async function probeEbpf(mode4) {
  const none = (reason) => ({ status: { id: "ebpf", available: false, reason }, sources: [], close: () => void 0 });
  if (mode4 === "off") return none("disabled by config (telemetry.ebpf: off)");
  if (!isRoot()) return none("not root: loading eBPF programs needs CAP_BPF and CAP_PERFMON (run as root or via the systemd unit); using procfs telemetry only");
  let mod;
  try {
    mod = await import("@ainka/ebpf");
  } catch (err) {
    return none(`@ainka/ebpf failed to load (${describeError(err).message})`);
  }
  const probe = mod.probeEbpf;
  if (typeof probe !== "function") return none("@ainka/ebpf exports no probeEbpf() yet; using procfs telemetry only");
  let r;
  try {
    r = readProbe(await probe());
  } catch (err) {
    return none(`eBPF probe failed: ${describeError(err).message}`);
  }
  if (!r.ok) return none(r.reason ?? "BPF is not usable on this kernel");
  const make2 = mod.createEbpfSources ?? mod.ebpfSources;
  try {
    if (typeof make2 === "function") {
      const made = await make2();
      const sources = Array.isArray(made) ? made : [];
      return { status: { id: "ebpf", available: sources.length > 0 }, sources, close: () => sources.forEach((s) => s.close?.()) };
    }
    const Streams = mod.EbpfStreams;
    const pct2 = mod.histogramPercentile;
    if (Streams === void 0 || pct2 === void 0) return none("eBPF works here, but @ainka/ebpf exports neither createEbpfSources() nor EbpfStreams; using procfs telemetry only");
    const pollMs = 1e3;
    const source = ebpfMetricSource(new Streams({ pollIntervalMs: pollMs }), pct2, pollMs);
    const partial = r.reason !== void 0 ? ` (partly: ${r.reason})` : "";
    return { status: { id: "ebpf", available: true, ...partial !== "" ? { reason: partial.trim() } : {} }, sources: [source], close: () => source.close?.() };
  } catch (err) {
    return none(`eBPF sources failed to start: ${describeError(err).message}`);
  }
}
async function probeOptionalPaths(kernel, ebpf) {
  const [k, e] = await Promise.all([probeKernel(kernel), probeEbpf(ebpf)]);
  return { kernel: k, ebpf: e.status, sources: e.sources, close: e.close };
}

// src/forecastStage.ts
var LIMITS = {
  "mem.used_ratio": { limit: 0.95, note: "memory 95% used" },
  "cpu.busy_ratio": { limit: 0.95, note: "CPU 95% busy" },
  "disk.utilization_ratio": { limit: 0.95, note: "device 95% utilised" },
  "psi.memory.some_avg10": { limit: 20, note: "memory pressure 20%" }
};
function forecastSeries(series, name2, points, horizonSeconds) {
  const last = points.length > 0 ? points[points.length - 1].value : null;
  if (points.length < 10) {
    return { series, method: "none (fewer than 10 points yet)", horizonSeconds, last, points: [], capacity: null };
  }
  const first = points[0];
  const lastT = points[points.length - 1].t;
  const stepMs = Math.max(1, (lastT - first.t) / (points.length - 1));
  const horizon = Math.max(1, Math.min(120, Math.round(horizonSeconds * 1e3 / stepMs)));
  const predictor = new WorkloadPredictor({ horizon, refitEvery: Math.max(10, Math.floor(points.length / 2)) });
  for (const p of points) predictor.update(p.t, p.value);
  const fc = predictor.forecast(horizon);
  const known = LIMITS[name2];
  let capacity = null;
  if (known !== void 0) {
    const planner = new CapacityPlanner({ limit: known.limit });
    for (const p of points) planner.update(p.t, p.value);
    const e = planner.estimate();
    capacity = { limit: known.limit, secondsToLimit: Number.isFinite(e.timeToLimit) ? e.timeToLimit / 1e3 : null, note: `${known.note}: ${e.reason}` };
  }
  return {
    series,
    method: "WorkloadPredictor (Holt-Winters + AR + seasonal-naive ensemble, @ainka/ml)",
    horizonSeconds,
    last,
    points: fc.map((f) => ({ t: f.t, value: f.mean, lower: f.lower, upper: f.upper })),
    capacity
  };
}

// src/headline.ts
var headlineSeries = [
  "cpu.busy_ratio",
  "mem.used_ratio",
  "load.avg1",
  "psi.cpu.some_avg10",
  "psi.memory.some_avg10",
  "psi.io.some_avg10",
  "mem.dirty_bytes",
  "sum(disk.read_bytes_per_second)",
  "sum(disk.write_bytes_per_second)",
  "sum(net.rx_bytes_per_second)",
  "sum(net.tx_bytes_per_second)"
];
var summedMetrics = ["disk.read_bytes_per_second", "disk.write_bytes_per_second", "net.rx_bytes_per_second", "net.tx_bytes_per_second"];
function sumOf(byName2, name2) {
  const list = byName2.get(name2);
  if (list === void 0 || list.length === 0) return void 0;
  let s = 0;
  for (const x of list) s += x.value;
  return s;
}

// ../../packages/policy/src/evidence.ts
function num(n) {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1e3) / 1e3);
}
function evidenceText(evidence) {
  return evidence.map((e) => `${e.subject} = ${num(e.value)} ${e.negated ? `not ${e.op}` : e.op} ${num(e.threshold)}${e.for > 0 ? ` for ${num(e.for)} s` : ""}`).join(" and ");
}

// ../../packages/policy/src/actionGenerator.ts
var ActionGenerator = class {
  lastFired = /* @__PURE__ */ new Map();
  options;
  /** @param options current-value and process lookups. */
  constructor(options = {}) {
    this.options = options;
  }
  /** Build the plan for the hits of one evaluation at `now` (ms). */
  generate(hits, now) {
    const suppressed = [];
    const best = /* @__PURE__ */ new Map();
    let index = 0;
    for (const hit of hits) {
      const rule2 = hit.rule;
      const key = `${hit.policy}/${rule2.name}`;
      const last = this.lastFired.get(key);
      if (last !== void 0 && now - last < rule2.cooldown * 1e3) {
        for (const a of rule2.then) suppressed.push({ rule: rule2.name, knob: a.knob, why: `cooling down for ${Math.ceil((rule2.cooldown * 1e3 - (now - last)) / 1e3)} s more` });
        continue;
      }
      let produced = false;
      for (const action3 of rule2.then) {
        for (const knob of this.resolve(rule2, action3, suppressed)) {
          const value = this.valueFor(rule2, action3, knob, suppressed);
          if (value === void 0) continue;
          const c = {
            knob,
            value,
            reason: rule2.name,
            because: evidenceText(hit.evidence),
            mode: rule2.mode,
            priority: rule2.priority,
            policy: hit.policy,
            evidence: hit.evidence,
            tags: rule2.tags,
            order: hit.order,
            index: index++
          };
          produced = true;
          const prev = best.get(knob);
          if (!prev) best.set(knob, c);
          else if (c.priority > prev.priority || c.priority === prev.priority && c.order < prev.order) {
            best.set(knob, c);
            suppressed.push({ rule: prev.reason, knob, why: `yields to rule '${c.reason}' (priority ${c.priority} vs ${prev.priority})` });
          } else if (!(prev.reason === c.reason && prev.value === c.value)) {
            suppressed.push({ rule: c.reason, knob, why: `yields to rule '${prev.reason}' (priority ${prev.priority} vs ${c.priority})` });
          }
        }
      }
      if (produced) this.lastFired.set(key, now);
    }
    const actions = [...best.values()].sort((a, b) => b.priority - a.priority || a.order - b.order || a.index - b.index).map(({ order: _o, index: _i, ...rest }) => rest);
    return { actions, suppressed };
  }
  resolve(rule2, action3, suppressed) {
    const scope2 = rule2.scope;
    if (scope2.kind === "cgroup") return [action3.knob.replaceAll("{cgroup}", scope2.cgroup)];
    if (scope2.kind === "process" && action3.knob.includes("{pid}")) {
      const match = scope2.cgroup === void 0 ? { comm: scope2.comm } : { comm: scope2.comm, cgroup: scope2.cgroup };
      const pids = this.options.processes?.(match) ?? [];
      if (pids.length === 0) suppressed.push({ rule: rule2.name, knob: action3.knob, why: `no process matches comm '${scope2.comm}'` });
      return pids.map((pid) => action3.knob.replaceAll("{pid}", String(pid)));
    }
    return [action3.knob];
  }
  valueFor(rule2, action3, knob, suppressed) {
    if (action3.set !== void 0) return String(action3.set);
    const raw = this.options.read?.(knob);
    const current = raw === void 0 ? Number.NaN : Number(raw);
    if (!Number.isFinite(current)) {
      suppressed.push({ rule: rule2.name, knob, why: raw === void 0 ? "current value unknown, cannot adjust" : `current value '${raw}' is not a number, cannot adjust` });
      return void 0;
    }
    let next = action3.adjust?.by !== void 0 ? current + action3.adjust.by : Math.round(current * (action3.adjust?.factor ?? 1));
    if (action3.min !== void 0) next = Math.max(action3.min, next);
    if (action3.max !== void 0) next = Math.min(action3.max, next);
    if (next === current) {
      suppressed.push({ rule: rule2.name, knob, why: `already at its bound ${current}` });
      return void 0;
    }
    return String(next);
  }
};

// ../../packages/policy/src/quantity.ts
function parseDuration(input) {
  if (typeof input === "number") return Number.isFinite(input) && input >= 0 ? input : void 0;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)?\s*$/.exec(input);
  if (!m) return void 0;
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  if (unit === "ms") return n / 1e3;
  if (unit.startsWith("s")) return n;
  if (unit.startsWith("m")) return n * 60;
  if (unit.startsWith("h")) return n * 3600;
  return n * 86400;
}
var UNITS = { "": 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4, "%": 1 };
function parseQuantity(input) {
  if (typeof input === "number") return Number.isFinite(input) ? input : void 0;
  const m = /^\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(KiB|MiB|GiB|TiB|k|K|M|G|%)?\s*$/.exec(input);
  if (!m) return void 0;
  return Number(m[1]) * (UNITS[m[2] ?? ""] ?? 1);
}
function formatDuration(seconds) {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

// ../../packages/policy/src/condition.ts
var OPS = [">=", "<=", "==", "!=", ">", "<"];
var METRIC = /^[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*(?:\{[^}]*\})?/;
var EXAMPLE = "e.g. 'psi.memory.some_avg10 > 20 for 30s'";
function parseCondition(text2) {
  const p = new Parser(text2);
  try {
    const c = p.expr();
    p.ws();
    if (p.pos < text2.length) p.fail(`unexpected '${text2.slice(p.pos, p.pos + 12)}'; join comparisons with 'and' / 'or'`);
    return { ok: true, condition: c };
  } catch (error) {
    if (error instanceof ParseFailure) return { ok: false, error: { offset: error.offset, message: error.message } };
    throw error;
  }
}
var ParseFailure = class extends Error {
  constructor(offset, message) {
    super(message);
    this.offset = offset;
  }
  offset;
};
var Parser = class {
  constructor(text2) {
    this.text = text2;
  }
  text;
  pos = 0;
  fail(message, at = this.pos) {
    throw new ParseFailure(at, message);
  }
  ws() {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] ?? "")) this.pos++;
  }
  word(w) {
    this.ws();
    const re = new RegExp(`^${w}\\b`);
    if (re.test(this.text.slice(this.pos))) {
      this.pos += w.length;
      return true;
    }
    return false;
  }
  char(c) {
    this.ws();
    if (this.text[this.pos] === c) {
      this.pos++;
      return true;
    }
    return false;
  }
  expr() {
    const parts = [this.term()];
    while (this.word("or")) parts.push(this.term());
    return parts.length === 1 ? parts[0] : { kind: "any", of: parts };
  }
  term() {
    const parts = [this.factor()];
    while (this.word("and")) parts.push(this.factor());
    return parts.length === 1 ? parts[0] : { kind: "all", of: parts };
  }
  factor() {
    if (this.word("not")) return { kind: "not", of: this.factor() };
    if (this.char("(")) {
      const inner = this.expr();
      if (!this.char(")")) this.fail("missing ')'; close the parenthesis");
      return inner;
    }
    return this.comparison();
  }
  metric() {
    this.ws();
    const m = METRIC.exec(this.text.slice(this.pos));
    if (!m) {
      this.fail(
        this.pos >= this.text.length ? `the expression ends where a metric name was expected; write a comparison, ${EXAMPLE}` : `expected a metric name (lower_snake words joined by dots) at '${this.text.slice(this.pos, this.pos + 12)}'; write a comparison, ${EXAMPLE}`
      );
    }
    this.pos += m[0].length;
    return m[0];
  }
  subject() {
    this.ws();
    for (const fn of ["rate", "anomaly", "forecast"]) {
      if (new RegExp(`^${fn}\\s*\\(`).test(this.text.slice(this.pos))) {
        this.pos = this.text.indexOf("(", this.pos) + 1;
        const metric2 = this.metric();
        let horizon = 0;
        if (fn === "forecast") {
          if (!this.char(",")) this.fail(`forecast() needs a horizon; write forecast(${metric2}, 5m)`);
          this.ws();
          const start = this.pos;
          const d2 = /^[^)]*/.exec(this.text.slice(this.pos))?.[0] ?? "";
          const seconds = parseDuration(d2);
          if (seconds === void 0 || seconds <= 0) this.fail(`'${d2.trim()}' is not a duration; write the horizon like 5m or 30s`, start);
          horizon = seconds;
          this.pos += d2.length;
        }
        if (!this.char(")")) this.fail(`missing ')' after ${fn}(${metric2}`);
        return fn === "forecast" ? { kind: "forecast", metric: metric2, horizon } : { kind: fn, metric: metric2 };
      }
    }
    return { kind: "metric", metric: this.metric() };
  }
  comparison() {
    const subject = this.subject();
    this.ws();
    const op = OPS.find((o) => this.text.startsWith(o, this.pos));
    if (!op) {
      const name2 = subject.kind === "metric" ? subject.metric : `${subject.kind}(${subject.metric})`;
      this.fail(`expected a comparison operator (>, >=, <, <=, ==, !=) after '${name2}'; ${EXAMPLE}`);
    }
    this.pos += op.length;
    const threshold = this.threshold(subject);
    let forSeconds = 0;
    let hysteresis = 0;
    if (this.word("for")) {
      this.ws();
      const start = this.pos;
      const d2 = /^\d+(?:\.\d+)?\s*[a-z]*/.exec(this.text.slice(this.pos))?.[0] ?? "";
      const seconds = parseDuration(d2);
      if (seconds === void 0) this.fail(`'${this.text.slice(start, start + 8).trim()}' is not a duration; write it like 30s, 5m or 1h`, start);
      forSeconds = seconds;
      this.pos += d2.length;
    }
    if (this.word("hysteresis")) {
      this.ws();
      const start = this.pos;
      const n = /^\d+(?:\.\d+)?/.exec(this.text.slice(this.pos))?.[0];
      if (n === void 0) this.fail("hysteresis needs a non-negative number (the band, in the metric's unit)", start);
      hysteresis = Number(n);
      this.pos += n.length;
    }
    return { kind: "compare", subject, op, threshold, for: forSeconds, hysteresis };
  }
  threshold(subject) {
    this.ws();
    const start = this.pos;
    const seasonal = this.word("seasonal");
    this.ws();
    const q = /^p(\d{1,2}(?:\.\d+)?)\b/.exec(this.text.slice(this.pos));
    if (q) {
      this.pos += q[0].length;
      let factor = 1;
      if (this.char("*")) {
        this.ws();
        const f = /^\d+(?:\.\d+)?/.exec(this.text.slice(this.pos))?.[0];
        if (f === void 0) this.fail(`expected a factor after '*', e.g. p95 * 1.2`);
        factor = Number(f);
        this.pos += f.length;
      }
      return { kind: "dynamic", metric: subject.metric, quantile: Number(q[1]) / 100, factor, seasonal };
    }
    if (seasonal) this.fail("seasonal needs a percentile after it, e.g. seasonal p95", start);
    const tok = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\s*(?:KiB|MiB|GiB|TiB|k|K|M|G|%)?/.exec(this.text.slice(this.pos))?.[0];
    const value = tok === void 0 ? void 0 : parseQuantity(tok);
    if (tok === void 0 || value === void 0) {
      this.fail(`expected a number or a percentile (p95) as the threshold at '${this.text.slice(this.pos, this.pos + 12)}'; ${EXAMPLE}`);
    }
    this.pos += tok.length;
    return { kind: "value", value };
  }
};
function subjectText(s) {
  switch (s.kind) {
    case "metric":
      return s.metric;
    case "rate":
      return `rate(${s.metric})`;
    case "anomaly":
      return `anomaly(${s.metric})`;
    case "forecast":
      return `forecast(${s.metric}, ${formatDuration(s.horizon).replace(" ", "")})`;
  }
}
function thresholdText(t) {
  if (t.kind === "value") return String(t.value);
  return `${t.seasonal ? "seasonal " : ""}p${Math.round(t.quantile * 1e3) / 10}${t.factor !== 1 ? ` * ${t.factor}` : ""}`;
}
function conditionText(c) {
  switch (c.kind) {
    case "compare":
      return `${subjectText(c.subject)} ${c.op} ${thresholdText(c.threshold)}${c.for > 0 ? ` for ${formatDuration(c.for).replace(" ", "")}` : ""}${c.hysteresis > 0 ? ` hysteresis ${c.hysteresis}` : ""}`;
    case "all":
      return c.of.map((x) => x.kind === "any" ? `(${conditionText(x)})` : conditionText(x)).join(" and ");
    case "any":
      return c.of.map(conditionText).join(" or ");
    case "not":
      return `not ${c.of.kind === "compare" || c.of.kind === "not" ? conditionText(c.of) : `(${conditionText(c.of)})`}`;
  }
}
function subjectLabel(s) {
  return subjectText(s);
}
function comparisons(c) {
  if (c.kind === "compare") return [c];
  if (c.kind === "not") return comparisons(c.of);
  return c.of.flatMap(comparisons);
}

// ../../packages/policy/src/errors.ts
var PolicyErrorCode = {
  /** The policy text is not valid YAML/JSON. */
  syntax: "ERR_AINKA_POLICY_SYNTAX",
  /** The policy does not match the policy schema (or a condition expression does not parse). */
  invalid: "ERR_AINKA_POLICY_INVALID",
  /** The policy is well-formed but fails a static check (bounds, conflicts, cycles). */
  rejected: "ERR_AINKA_POLICY_REJECTED",
  /** An unknown policy pack name. */
  unknownPack: "ERR_AINKA_POLICY_UNKNOWN_PACK",
  /** The optimizer was given no candidates or a value that is not one of them. */
  optimizerInput: "ERR_AINKA_OPTIMIZER_BAD_INPUT",
  /** A rule cannot be compiled to the kernel policy-cache encoding. */
  notKernelCompilable: "ERR_AINKA_POLICY_NOT_KERNEL_COMPILABLE"
};
function formatIssue(issue) {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return `${where}: ${issue.path || "(document)"}: ${issue.message}`;
}
var PolicyError = class extends Error {
  /** Always `'PolicyError'`. */
  name = "PolicyError";
  /** Stable machine-readable code. */
  code;
  /** Every problem found. */
  issues;
  constructor(code, issues, message) {
    super(message ?? issues.map(formatIssue).join("\n"));
    this.code = code;
    this.issues = issues;
  }
};
function formatPath(path) {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out;
}

// ../../packages/protocol/src/errors.ts
var ProtocolError = class extends Error {
  /** Always `'ProtocolError'`. */
  name = "ProtocolError";
  /** Stable machine-readable code. */
  code;
  /** Byte offset in the input where the problem was found, when it applies. */
  offset;
  /** Field or attribute path, when it applies. */
  path;
  constructor(code, message, options = {}) {
    const where = options.offset === void 0 ? "" : ` at byte offset ${options.offset}`;
    const what = options.what ? `${options.what}: ` : "";
    super(`${what}${message}${where}`);
    this.code = code;
    this.offset = options.offset;
    this.path = options.path;
  }
};
function hexByte(value) {
  if (value === void 0) return "(end of input)";
  return `0x${value.toString(16).padStart(2, "0")}`;
}

// ../../packages/protocol/src/layout.ts
var SCALAR_SIZE = {
  u8: 1,
  s8: 1,
  char: 1,
  u16: 2,
  s16: 2,
  u32: 4,
  s32: 4,
  u64: 8,
  s64: 8
};
function computeLayout(spec) {
  let offset = 0;
  let align = 1;
  const fields2 = [];
  for (const field of spec.fields) {
    const elementSize = SCALAR_SIZE[field.type];
    if (field.type === "char" && field.count === void 0) {
      throw new ProtocolError("ERR_AINKA_MALFORMED", `field ${field.name} is a char and needs a count`, { what: `struct ${spec.name}` });
    }
    if (offset % elementSize !== 0) {
      throw new ProtocolError(
        "ERR_AINKA_MISALIGNED",
        `field ${field.name} would start at ${offset}, not a multiple of ${elementSize}: add an explicit reserved field before it`,
        { what: `struct ${spec.name}` }
      );
    }
    const size = elementSize * (field.count ?? 1);
    fields2.push({ ...field, offset, elementSize, size });
    offset += size;
    align = Math.max(align, elementSize);
  }
  if (offset % align !== 0) {
    throw new ProtocolError("ERR_AINKA_MISALIGNED", `size ${offset} has tail padding to ${align}: add an explicit reserved field`, {
      what: `struct ${spec.name}`
    });
  }
  if (offset !== spec.size) {
    throw new ProtocolError("ERR_AINKA_MALFORMED", `fields add up to ${offset} bytes but the declared size is ${spec.size}`, {
      what: `struct ${spec.name}`
    });
  }
  return { name: spec.name, size: offset, align, fields: fields2, byName: new Map(fields2.map((f) => [f.name, f])) };
}

// ../../packages/protocol/src/struct-codec.ts
function readScalar(view, f, at) {
  switch (f.type) {
    case "u8":
    case "char":
      return view.getUint8(at);
    case "s8":
      return view.getInt8(at);
    case "u16":
      return view.getUint16(at, true);
    case "s16":
      return view.getInt16(at, true);
    case "u32":
      return view.getUint32(at, true);
    case "s32":
      return view.getInt32(at, true);
    case "u64":
      return view.getBigUint64(at, true);
    case "s64":
      return view.getBigInt64(at, true);
  }
}
var NARROW_RANGES = {
  u8: [0, 255],
  char: [0, 255],
  s8: [-128, 127],
  u16: [0, 65535],
  s16: [-32768, 32767],
  u32: [0, 4294967295],
  s32: [-2147483648, 2147483647]
};
var WIDE_RANGES = {
  u64: [0n, 0xffffffffffffffffn],
  s64: [-0x8000000000000000n, 0x7fffffffffffffffn]
};
function outOfRange(f, value, path) {
  return new ProtocolError("ERR_AINKA_OUT_OF_RANGE", `${String(value)} does not fit ${f.type}`, { what: path, path });
}
function writeScalar(view, f, at, value, path) {
  if (f.elementSize === 8) {
    if (typeof value === "number" && !Number.isSafeInteger(value)) throw outOfRange(f, value, path);
    const big = BigInt(value);
    const range2 = WIDE_RANGES[f.type];
    if (big < range2[0] || big > range2[1]) throw outOfRange(f, value, path);
    view.setBigUint64(at, BigInt.asUintN(64, big), true);
    return;
  }
  const n = typeof value === "bigint" ? Number(value) : value;
  const range = NARROW_RANGES[f.type];
  if (!Number.isInteger(n) || n < range[0] || n > range[1]) throw outOfRange(f, value, path);
  if (f.elementSize === 1) view.setUint8(at, n & 255);
  else if (f.elementSize === 2) view.setUint16(at, n & 65535, true);
  else view.setUint32(at, n >>> 0, true);
}
var textDecoder = new TextDecoder("utf-8", { fatal: false });
var textEncoder = new TextEncoder();
function structCodec(spec) {
  const layout = computeLayout(spec);
  const what = `struct ${spec.name}`;
  const paths = new Map(layout.fields.map((f) => [f.name, `${spec.name}.${f.name}`]));
  return {
    layout,
    encode(value) {
      const out = new Uint8Array(layout.size);
      const view = new DataView(out.buffer);
      for (const f of layout.fields) {
        const v = value[f.name];
        if (v === void 0 || f.reserved) continue;
        const path = paths.get(f.name);
        if (f.type === "char") {
          if (typeof v !== "string") throw new ProtocolError("ERR_AINKA_MALFORMED", `expected a string`, { what: path, path });
          const bytes2 = textEncoder.encode(v);
          if (bytes2.length >= f.size) {
            throw new ProtocolError("ERR_AINKA_OVERSIZE", `string of ${bytes2.length} bytes does not fit ${f.size - 1} + NUL`, { what: path, path });
          }
          out.set(bytes2, f.offset);
        } else if (f.count !== void 0) {
          if (!Array.isArray(v) || v.length > f.count) {
            throw new ProtocolError("ERR_AINKA_MALFORMED", `expected an array of at most ${f.count}`, { what: path, path });
          }
          v.forEach((item, i) => writeScalar(view, f, f.offset + i * f.elementSize, item, `${path}[${i}]`));
        } else {
          if (typeof v !== "number" && typeof v !== "bigint") {
            throw new ProtocolError("ERR_AINKA_MALFORMED", `expected a number`, { what: path, path });
          }
          writeScalar(view, f, f.offset, v, path);
        }
      }
      return out;
    },
    decode(bytes2, offset = 0) {
      if (!Number.isInteger(offset) || offset < 0) {
        throw new ProtocolError("ERR_AINKA_MALFORMED", `bad offset ${offset}`, { what });
      }
      if (bytes2.length - offset < layout.size) {
        throw new ProtocolError("ERR_AINKA_TRUNCATED", `need ${layout.size} bytes, have ${Math.max(0, bytes2.length - offset)}`, { what, offset });
      }
      const view = new DataView(bytes2.buffer, bytes2.byteOffset + offset, layout.size);
      const result = {};
      for (const f of layout.fields) {
        if (f.reserved) {
          for (let i = 0; i < f.size; i++) {
            const b = view.getUint8(f.offset + i);
            if (b !== 0) {
              throw new ProtocolError("ERR_AINKA_MALFORMED", `reserved field ${f.name} holds ${hexByte(b)}, must be zero`, {
                what,
                offset: offset + f.offset + i,
                path: f.name
              });
            }
          }
          continue;
        }
        if (f.type === "char") {
          const raw = bytes2.subarray(offset + f.offset, offset + f.offset + f.size);
          const nul = raw.indexOf(0);
          result[f.name] = textDecoder.decode(nul === -1 ? raw : raw.subarray(0, nul));
        } else if (f.count !== void 0) {
          const items = [];
          for (let i = 0; i < f.count; i++) items.push(readScalar(view, f, f.offset + i * f.elementSize));
          result[f.name] = items;
        } else {
          result[f.name] = readScalar(view, f, f.offset);
        }
      }
      return result;
    }
  };
}

// ../../packages/protocol/src/spec/types.ts
function defineEnum(name2, prefix, doc, table, options = {}) {
  const values = Object.fromEntries(Object.entries(table).map(([k, v]) => [k, v[0]]));
  const spec = {
    name: name2,
    prefix,
    doc,
    values: Object.entries(table).map(([k, v]) => ({ name: k, value: v[0], doc: v[1] })),
    ...options.withCount ? { withCount: true } : {}
  };
  return { spec, values };
}

// ../../packages/protocol/src/spec/enums.ts
var mode2 = defineEnum("ainka_mode", "AINKA_MODE_", "Whether the kernel module may act or only report.", {
  /** Rules are evaluated and hits reported; no action is applied. */
  OBSERVE: [0, "Rules are evaluated and hits reported; no action is applied."],
  /** Rule hits apply their bounded, reversible action. */
  ENFORCE: [1, "Rule hits apply their bounded, reversible action."]
});
var Mode = mode2.values;
var modeEnum = mode2.spec;
var state = defineEnum("ainka_state", "AINKA_STATE_", "System state derived from samples, with hysteresis.", {
  /** Almost no runnable work. */
  IDLE: [0, "Almost no runnable work."],
  /** Work within capacity. */
  NORMAL: [1, "Work within capacity."],
  /** CPU close to saturation, no stall pressure. */
  BUSY: [2, "CPU close to saturation, no stall pressure."],
  /** Tasks are stalling on CPU, memory or I/O (PSI). */
  PRESSURED: [3, "Tasks are stalling on CPU, memory or I/O (PSI)."],
  /** Severe stalls or memory nearly exhausted. */
  CRITICAL: [4, "Severe stalls or memory nearly exhausted."]
}, { withCount: true });
var SystemState = state.values;
var stateEnum = state.spec;
var metric = defineEnum("ainka_metric", "AINKA_METRIC_", "Metrics the kernel sampler measures; index into ainka_sample.metrics and ainka_rule.metric.", {
  /** Runnable tasks on all CPUs (count). */
  RUNNABLE: [0, "Runnable tasks on all CPUs (count)."],
  /** One-minute load average × 1000. */
  LOAD1_MILLI: [1, "One-minute load average \xD7 1000."],
  /** MemAvailable in KiB. */
  MEM_AVAILABLE_KB: [2, "MemAvailable in KiB."],
  /** MemTotal in KiB. */
  MEM_TOTAL_KB: [3, "MemTotal in KiB."],
  /** Block requests in flight on all disks (count). */
  IO_INFLIGHT: [4, "Block requests in flight on all disks (count)."],
  /** PSI cpu some avg10 in hundredths of a percent (0–10000), -1 when PSI is off. */
  PSI_CPU_SOME_AVG10: [5, "PSI cpu some avg10 in hundredths of a percent (0\u201310000), -1 when PSI is off."],
  /** PSI memory some avg10 in hundredths of a percent, -1 when PSI is off. */
  PSI_MEM_SOME_AVG10: [6, "PSI memory some avg10 in hundredths of a percent, -1 when PSI is off."],
  /** PSI io some avg10 in hundredths of a percent, -1 when PSI is off. */
  PSI_IO_SOME_AVG10: [7, "PSI io some avg10 in hundredths of a percent, -1 when PSI is off."],
  /** Context switches per second over the last sample interval. */
  CTX_SWITCHES_PER_SEC: [8, "Context switches per second over the last sample interval."],
  /** Processes created per second over the last sample interval. */
  FORKS_PER_SEC: [9, "Processes created per second over the last sample interval."],
  /** Non-idle CPU time over the last interval, ‰ of all CPUs (0–1000). */
  CPU_BUSY_PERMILLE: [10, "Non-idle CPU time over the last interval, \u2030 of all CPUs (0\u20131000)."],
  /** Tasks in uninterruptible I/O wait (count). */
  BLOCKED: [11, "Tasks in uninterruptible I/O wait (count)."]
}, { withCount: true });
var KernelMetric = metric.values;
var metricEnum = metric.spec;
var cmp = defineEnum("ainka_cmp", "AINKA_CMP_", "Comparison of a metric against a rule threshold.", {
  /** metric > threshold */
  GT: [0, "metric > threshold"],
  /** metric >= threshold */
  GE: [1, "metric >= threshold"],
  /** metric < threshold */
  LT: [2, "metric < threshold"],
  /** metric <= threshold */
  LE: [3, "metric <= threshold"],
  /** metric == threshold */
  EQ: [4, "metric == threshold"],
  /** metric != threshold */
  NE: [5, "metric != threshold"]
}, { withCount: true });
var Comparison = cmp.values;
var cmpEnum = cmp.spec;
var action = defineEnum("ainka_action", "AINKA_ACTION_", "Immediate actions the kernel module may take; each records the previous value.", {
  /** Only emit a policy-hit event. */
  REPORT: [0, "Only emit a policy-hit event."],
  /** Set the target task nice value to arg (-20..19); reverted on rollback. */
  RENICE: [1, "Set the target task nice value to arg (-20..19); reverted on rollback."],
  /** Set the target task I/O priority to arg (class << 13 | level); reverted on rollback. */
  IOPRIO: [2, "Set the target task I/O priority to arg (class << 13 | level); reverted on rollback."],
  /** Ask userspace to act: emit a request event carrying arg as the request code. */
  REQUEST: [3, "Ask userspace to act: emit a request event carrying arg as the request code."]
}, { withCount: true });
var RuleAction = action.values;
var actionEnum = action.spec;
var target = defineEnum("ainka_target", "AINKA_TARGET_", "Which task an action applies to.", {
  /** No task (REPORT, REQUEST). */
  NONE: [0, "No task (REPORT, REQUEST)."],
  /** The task whose pid is target_pid. */
  PID: [1, "The task whose pid is target_pid."],
  /** The runnable task that used the most CPU since the last sample. */
  TOP_CPU: [2, "The runnable task that used the most CPU since the last sample."]
}, { withCount: true });
var RuleTarget = target.values;
var targetEnum = target.spec;
var eventType = defineEnum("ainka_event_type", "AINKA_EVENT_", "Events multicast on the events group.", {
  /** The state machine moved from old-state to new-state. */
  STATE_CHANGE: [1, "The state machine moved from old-state to new-state."],
  /** A rule condition held; rule-id and metric-value say which and why. */
  POLICY_HIT: [2, "A rule condition held; rule-id and metric-value say which and why."],
  /** An action was applied, reported (observe mode) or reverted; the action nest says which. */
  ACTION: [3, "An action was applied, reported (observe mode) or reverted; the action nest says which."],
  /** No heartbeat within the timeout: actions reverted, mode set to observe. */
  WATCHDOG: [4, "No heartbeat within the timeout: actions reverted, mode set to observe."],
  /** A rule asks userspace to act (REQUEST action). */
  REQUEST: [5, "A rule asks userspace to act (REQUEST action)."],
  /** The mode changed (by command or watchdog). */
  MODE_CHANGE: [6, "The mode changed (by command or watchdog)."]
});
var EventType = eventType.values;
var eventTypeEnum = eventType.spec;
var actionStatus = defineEnum("ainka_action_status", "AINKA_ACTION_STATUS_", "What happened to an action.", {
  /** Observe mode: the action was only reported. */
  OBSERVED: [0, "Observe mode: the action was only reported."],
  /** The action was applied and is in force. */
  APPLIED: [1, "The action was applied and is in force."],
  /** The action was undone and the previous value restored. */
  REVERTED: [2, "The action was undone and the previous value restored."],
  /** Applying the action failed (task gone, value out of bounds). */
  FAILED: [3, "Applying the action failed (task gone, value out of bounds)."]
});
var ActionStatus = actionStatus.values;
var actionStatusEnum = actionStatus.spec;

// ../../packages/protocol/src/spec/structs.ts
var ruleStruct = {
  name: "ainka_rule",
  doc: "One rule of the kernel policy cache: when metric cmp threshold has held for for_ms, take action on target, then wait cooldown_ms.",
  size: 40,
  fields: [
    { name: "id", type: "u32", doc: "Caller-chosen rule id, unique in the cache, not 0.", min: 1, max: 4294967295 },
    { name: "metric", type: "u16", doc: "Metric compared.", enum: "ainka_metric" },
    { name: "cmp", type: "u8", doc: "Comparison.", enum: "ainka_cmp" },
    { name: "action", type: "u8", doc: "Action taken on a hit.", enum: "ainka_action" },
    { name: "threshold", type: "s64", doc: "Threshold in the metric unit." },
    { name: "for_ms", type: "u32", doc: "How long the condition must hold, 0 = one sample.", min: 0, max: 36e5 },
    { name: "cooldown_ms", type: "u32", doc: "Minimum time between two hits of this rule.", min: 0, max: 864e5 },
    { name: "arg", type: "s32", doc: "Action argument: nice value, ioprio value or request code." },
    { name: "target_pid", type: "u32", doc: "Task for AINKA_TARGET_PID, else 0.", min: 0, max: 4194304 },
    { name: "priority", type: "u16", doc: "Higher evaluates first; ties by id.", min: 0, max: 1e3 },
    { name: "target", type: "u8", doc: "Which task the action applies to.", enum: "ainka_target" },
    { name: "flags", type: "u8", doc: "Reserved, zero.", reserved: true },
    { name: "reserved", type: "u32", doc: "Reserved, zero.", reserved: true }
  ]
};
var ruleActionConstraints = [
  { action: "REPORT", argMin: 0, argMax: 0, needsTask: false },
  { action: "RENICE", argMin: -20, argMax: 19, needsTask: true },
  { action: "IOPRIO", argMin: 0, argMax: 3 << 13 | 7, needsTask: true },
  { action: "REQUEST", argMin: 0, argMax: 65535, needsTask: false }
];

// ../../packages/protocol/src/rules.ts
var codec = structCodec(ruleStruct);
var KERNEL_RULE_SIZE = codec.layout.size;
var fieldBounds = ruleStruct.fields.filter((f) => !f.reserved && f.min !== void 0 && f.max !== void 0).map((f) => [f.name.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), f.min, f.max]);
var enumCount = { metric: Object.keys(KernelMetric).length, cmp: Object.keys(Comparison).length, action: Object.keys(RuleAction).length, target: Object.keys(RuleTarget).length };
function validateKernelRule(rule2, index) {
  if (isValidKernelRule(rule2)) return;
  explainInvalidRule(rule2, index);
}
var inRange = (v, min, max) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
function isValidKernelRule(rule2) {
  for (let i = 0; i < fieldBounds.length; i++) {
    const [key, min, max] = fieldBounds[i];
    if (!inRange(rule2[key], min, max)) return false;
  }
  if (!inRange(rule2.metric, 0, enumCount.metric - 1) || !inRange(rule2.cmp, 0, enumCount.cmp - 1)) return false;
  if (!inRange(rule2.action, 0, enumCount.action - 1) || !inRange(rule2.target, 0, enumCount.target - 1)) return false;
  if (!Number.isSafeInteger(rule2.threshold)) return false;
  const c = ruleActionConstraints[rule2.action];
  if (!Number.isInteger(rule2.arg) || rule2.arg < c.argMin || rule2.arg > c.argMax) return false;
  if (c.needsTask ? rule2.target === RuleTarget.NONE : rule2.target !== RuleTarget.NONE) return false;
  return rule2.target === RuleTarget.PID ? rule2.targetPid !== 0 : rule2.targetPid === 0;
}
function explainInvalidRule(rule2, index) {
  const at = index === void 0 ? "rule" : `rules[${index}]`;
  const fail = (field, message) => {
    throw new ProtocolError("ERR_AINKA_OUT_OF_RANGE", message, { what: `${at}.${field}`, path: `${at}.${field}` });
  };
  const int2 = (field, min, max) => {
    const v = rule2[field];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) fail(field, `${String(v)} must be an integer in [${min}, ${max}]`);
  };
  for (const [key, min, max] of fieldBounds) int2(key, min, max);
  int2("metric", 0, enumCount.metric - 1);
  int2("cmp", 0, enumCount.cmp - 1);
  int2("action", 0, enumCount.action - 1);
  int2("target", 0, enumCount.target - 1);
  if (!Number.isSafeInteger(rule2.threshold)) fail("threshold", `${rule2.threshold} must be a safe integer (the kernel compares s64 values)`);
  const c = ruleActionConstraints[rule2.action];
  if (!Number.isInteger(rule2.arg) || rule2.arg < c.argMin || rule2.arg > c.argMax) {
    fail("arg", `${rule2.arg} is outside [${c.argMin}, ${c.argMax}] for action ${c.action}`);
  }
  if (c.needsTask && rule2.target === RuleTarget.NONE) fail("target", `action ${c.action} needs a task: use target PID or TOP_CPU`);
  if (!c.needsTask && rule2.target !== RuleTarget.NONE) fail("target", `action ${c.action} takes no task: use target NONE`);
  if (rule2.target === RuleTarget.PID && rule2.targetPid === 0) fail("targetPid", "target PID needs a non-zero targetPid");
  if (rule2.target !== RuleTarget.PID && rule2.targetPid !== 0) fail("targetPid", "targetPid must be 0 unless target is PID");
}
var writers = codec.layout.fields.filter((f) => !f.reserved).map((f) => [f.name.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), f.offset, f.elementSize]);
function encodeKernelRule(rule2) {
  validateKernelRule(rule2);
  const out = new Uint8Array(KERNEL_RULE_SIZE);
  const view = new DataView(out.buffer);
  for (let i = 0; i < writers.length; i++) {
    const [key, offset, width] = writers[i];
    const v = rule2[key];
    if (width === 1) view.setUint8(offset, v & 255);
    else if (width === 2) view.setUint16(offset, v & 65535, true);
    else if (width === 4) view.setUint32(offset, v >>> 0, true);
    else {
      const hi = Math.floor(v / 4294967296);
      view.setUint32(offset, v - hi * 4294967296, true);
      view.setInt32(offset + 4, hi, true);
    }
  }
  return out;
}

// ../../packages/policy/src/kernelRules.ts
var kernelMetricMap = {
  "load.runnable_count": { metric: KernelMetric.RUNNABLE, scale: 1 },
  "load.avg1": { metric: KernelMetric.LOAD1_MILLI, scale: 1e3 },
  "mem.available_bytes": { metric: KernelMetric.MEM_AVAILABLE_KB, scale: 1 / 1024 },
  "mem.total_bytes": { metric: KernelMetric.MEM_TOTAL_KB, scale: 1 / 1024 },
  "disk.in_flight_count": { metric: KernelMetric.IO_INFLIGHT, scale: 1 },
  "psi.cpu.some_avg10": { metric: KernelMetric.PSI_CPU_SOME_AVG10, scale: 100 },
  "psi.memory.some_avg10": { metric: KernelMetric.PSI_MEM_SOME_AVG10, scale: 100 },
  "psi.io.some_avg10": { metric: KernelMetric.PSI_IO_SOME_AVG10, scale: 100 },
  "cpu.context_switches_per_second": { metric: KernelMetric.CTX_SWITCHES_PER_SEC, scale: 1 },
  "cpu.forks_per_second": { metric: KernelMetric.FORKS_PER_SEC, scale: 1 },
  "cpu.busy_ratio": { metric: KernelMetric.CPU_BUSY_PERMILLE, scale: 1e3 },
  "cpu.procs_blocked_count": { metric: KernelMetric.BLOCKED, scale: 1 }
};
var CMP = { ">": Comparison.GT, ">=": Comparison.GE, "<": Comparison.LT, "<=": Comparison.LE, "==": Comparison.EQ, "!=": Comparison.NE };
function integerThreshold(op, scaled) {
  const r = Math.round(scaled);
  if (Math.abs(scaled - r) < 1e-9) return r;
  switch (op) {
    case ">":
    case "<=":
      return Math.floor(scaled);
    case ">=":
    case "<":
      return Math.ceil(scaled);
    default:
      return void 0;
  }
}
function leafOf(c) {
  if (c.kind === "compare") return c;
  if (c.kind === "all" && c.of.length === 1) return leafOf(c.of[0]);
  return void 0;
}
function compileKernelRule(policy, rule2, id, requestCode) {
  const leaf = leafOf(rule2.when);
  if (!leaf) return { why: "its condition is not a single comparison" };
  if (leaf.subject.kind !== "metric") return { why: `${leaf.subject.kind}() predicates are evaluated in userspace` };
  const mapped = kernelMetricMap[leaf.subject.metric];
  if (!mapped) return { why: `the kernel does not sample ${leaf.subject.metric}` };
  if (leaf.threshold.kind !== "value") return { why: "dynamic thresholds are learned in userspace" };
  if (leaf.hysteresis > 0) return { why: "the kernel rule format has no hysteresis" };
  if (leaf.for > 3600) return { why: `'for ${leaf.for} s' exceeds the kernel's 1 h limit` };
  if (rule2.cooldown > 86400) return { why: `a cool-down of ${rule2.cooldown} s exceeds the kernel's 24 h limit` };
  const threshold = integerThreshold(leaf.op, leaf.threshold.value * mapped.scale);
  if (threshold === void 0) return { why: `${leaf.op} ${leaf.threshold.value} is not an integer in the kernel's unit` };
  let action3 = RuleAction.REQUEST;
  let arg = requestCode;
  let target2 = RuleTarget.NONE;
  let targetPid = 0;
  const only = rule2.then.length === 1 ? rule2.then[0] : void 0;
  const proc2 = only && only.set !== void 0 ? /^process:(\d+):(nice|ionice)$/.exec(only.knob) : null;
  if (proc2 && only) {
    const value = String(only.set);
    const io = /^be\/([0-7])$/.exec(value);
    const ioprio = proc2[2] === "nice" ? void 0 : value === "idle" ? 3 << 13 : value === "none" ? 0 : io ? 2 << 13 | Number(io[1]) : void 0;
    if (proc2[2] === "nice") {
      action3 = RuleAction.RENICE;
      arg = Number(value);
    } else if (ioprio !== void 0) {
      action3 = RuleAction.IOPRIO;
      arg = ioprio;
    }
    if (action3 !== RuleAction.REQUEST) {
      target2 = RuleTarget.PID;
      targetPid = Number(proc2[1]);
    }
  }
  if (rule2.mode === "advise") {
    action3 = RuleAction.REPORT;
    arg = 0;
    target2 = RuleTarget.NONE;
    targetPid = 0;
  }
  const kernelRule = {
    id,
    metric: mapped.metric,
    cmp: CMP[leaf.op],
    threshold,
    action: action3,
    arg,
    target: target2,
    targetPid,
    forMs: Math.round(leaf.for * 1e3),
    cooldownMs: Math.round(rule2.cooldown * 1e3),
    priority: rule2.priority * 10
  };
  try {
    validateKernelRule(kernelRule);
  } catch (error) {
    return { why: `the kernel would refuse it: ${error.message}` };
  }
  return { rule: kernelRule, bytes: encodeKernelRule(kernelRule), source: { policy, rule: rule2.name } };
}
function compileKernelRules(policies, options = {}) {
  const compiled = [];
  const skipped = [];
  let id = options.firstId ?? 1;
  for (const p of policies) {
    for (const r of p.rules) {
      const out = compileKernelRule(p.name, r, id, compiled.length + 1);
      if ("why" in out) skipped.push({ policy: p.name, rule: r.name, why: out.why });
      else {
        compiled.push(out);
        id++;
      }
    }
  }
  return { compiled, skipped };
}

// ../../packages/policy/src/knobInfluence.ts
function defaultKnobInfluence(knob) {
  const family = knob.slice(0, knob.indexOf(":"));
  const attr = knob.slice(knob.lastIndexOf(":") + 1);
  const mem = ["mem.", "psi.memory.", "swap.", "vm."];
  const cpu = ["cpu.", "sched.", "psi.cpu.", "power.", "cpufreq.", "load."];
  const io = ["disk.", "io.", "psi.io.", "block."];
  switch (family) {
    case "sysctl":
      return knob.startsWith("sysctl:vm.") ? mem : knob.startsWith("sysctl:net.") ? ["net."] : cpu;
    case "thp":
      return mem;
    case "block":
      return io;
    case "cpufreq":
      return cpu;
    case "cgroup":
      return attr.startsWith("memory.") ? [...mem, "cgroup."] : attr.startsWith("io.") ? [...io, "cgroup."] : [...cpu, "cgroup."];
    case "process":
      return attr === "nice" ? [...cpu, "process."] : attr === "ionice" ? [...io, "process."] : [...mem, "process."];
    case "systemd":
      return ["process.", "service."];
    default:
      return [];
  }
}

// ../../packages/policy/src/metricFrame.ts
var MetricFrame = class {
  /** Slot values; `NaN` = missing. */
  values;
  index;
  /** @param index metric name → slot, from the engine. */
  constructor(index) {
    this.index = index;
    this.values = new Float64Array(index.size).fill(Number.NaN);
  }
  /** Set a metric; returns false (and does nothing) when no rule reads it. */
  set(metric2, value) {
    const i = this.index.get(metric2);
    if (i === void 0) return false;
    this.values[i] = value;
    return true;
  }
  /** Set many metrics from a record or map. */
  setAll(values) {
    const entries = values instanceof Map ? values.entries() : Object.entries(values);
    for (const [k, v] of entries) this.set(k, v);
  }
  /** A metric's value, or `undefined` when missing or not read by any rule. */
  get(metric2) {
    const i = this.index.get(metric2);
    if (i === void 0) return void 0;
    const v = this.values[i];
    return Number.isNaN(v) ? void 0 : v;
  }
  /** Mark every metric missing. */
  clear() {
    this.values.fill(Number.NaN);
  }
  /** Names of the metrics the rules read. */
  metrics() {
    return [...this.index.keys()];
  }
};

// ../../packages/policy/src/parsePolicy.ts
import { isMap as isMap2, isScalar as isScalar2, isSeq, LineCounter, parseDocument } from "yaml";

// ../../packages/policy/src/policySchema.ts
import { z as z2 } from "zod";
var name = z2.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: "must be lower-kebab-case (a-z, 0-9, -); rename it, e.g. reduce-swappiness" });
var mode3 = z2.enum(["advise", "enforce"]);
var tags = z2.array(z2.string());
var duration = z2.union([z2.number().nonnegative(), z2.string()]);
var when = z2.lazy(
  () => z2.union([z2.string(), z2.strictObject({ all: z2.array(when).min(1) }), z2.strictObject({ any: z2.array(when).min(1) }), z2.strictObject({ not: when })])
);
var action2 = z2.strictObject({
  /** Knob id (`sysctl:vm.swappiness`), possibly with `{cgroup}` / `{pid}` placeholders. */
  knob: z2.string(),
  /** Absolute value to set. */
  set: z2.union([z2.string(), z2.number()]).optional(),
  /** Relative change: add `by`, or multiply by `factor` (> 0, rounded). */
  adjust: z2.strictObject({
    /** Amount added to the current value (may be negative). */
    by: z2.number().optional(),
    /** Factor the current value is multiplied by (> 0). */
    factor: z2.number().positive().optional()
  }).optional(),
  /** Never go below this. */
  min: z2.number().optional(),
  /** Never go above this. */
  max: z2.number().optional()
});
var scope = z2.union([
  z2.literal("host"),
  z2.strictObject({
    /** cgroup v2 path under `/sys/fs/cgroup`. */
    cgroup: z2.string()
  }),
  z2.strictObject({
    /** Processes matched by command name, optionally only in one cgroup. */
    process: z2.strictObject({ comm: z2.string(), cgroup: z2.string().optional() })
  })
]);
var rule = z2.strictObject({
  /** Unique lower-kebab name in the policy; the "reason" in change logs. */
  name,
  /** One sentence for humans. */
  description: z2.string().optional(),
  /** The condition: an expression string or an `{all|any|not}` object of them. */
  when,
  /** Actions, in order (at least one). */
  then: z2.array(action2).min(1),
  /** Integer 0 … 100; higher wins when rules want the same knob. Default 50. */
  priority: z2.number().int().min(0).max(100).optional(),
  /** Time before the rule may fire again: seconds, or a duration string such as `5m`. Default 300 s. */
  cooldown: duration.optional(),
  /** Mode of this rule (defaults to the policy's). */
  mode: mode3.optional(),
  /** `host` (default), `{cgroup}` or `{process}`. */
  scope: scope.optional(),
  /** Free-form tags. */
  tags: tags.optional()
});
var policyDocumentSchema = z2.strictObject({
  /** Always `ainka.dev/v1`. */
  apiVersion: z2.literal("ainka.dev/v1"),
  /** Always `Policy`. */
  kind: z2.literal("Policy"),
  /** Policy name (lower-kebab). */
  name,
  /** One sentence for humans. */
  description: z2.string().optional(),
  /** Default mode of the rules, `advise` (default) or `enforce`. */
  mode: mode3.optional(),
  /** Free-form tags. */
  tags: tags.optional(),
  /** The rules (at least one). */
  rules: z2.array(rule).min(1)
});

// ../../packages/policy/src/interval.ts
var ALL = { lo: -Infinity, loOpen: true, hi: Infinity, hiOpen: true };
function fromOp(op, v) {
  switch (op) {
    case ">":
      return { lo: v, loOpen: true, hi: Infinity, hiOpen: true };
    case ">=":
      return { lo: v, loOpen: false, hi: Infinity, hiOpen: true };
    case "<":
      return { lo: -Infinity, loOpen: true, hi: v, hiOpen: true };
    case "<=":
      return { lo: -Infinity, loOpen: true, hi: v, hiOpen: false };
    case "==":
      return { lo: v, loOpen: false, hi: v, hiOpen: false };
    case "!=":
      return void 0;
  }
}
function intersect(a, b) {
  const lo = a.lo > b.lo ? a : a.lo < b.lo ? b : { lo: a.lo, loOpen: a.loOpen || b.loOpen };
  const hi = a.hi < b.hi ? a : a.hi > b.hi ? b : { hi: a.hi, hiOpen: a.hiOpen || b.hiOpen };
  return { lo: lo.lo, loOpen: lo.loOpen, hi: hi.hi, hiOpen: hi.hiOpen };
}
function isEmpty(i) {
  return i.lo > i.hi || i.lo === i.hi && (i.loOpen || i.hiOpen);
}
function gap(a, b) {
  if (a.hi < b.lo) return b.lo - a.hi;
  if (b.hi < a.lo) return a.lo - b.hi;
  return 0;
}
function metricDomain(subject) {
  if (subject.startsWith("anomaly(")) return { lo: 0, loOpen: false, hi: 1, hiOpen: false };
  if (subject.startsWith("rate(")) return ALL;
  const name2 = subject.replace(/^forecast\(/, "").replace(/\{.*$/, "").replace(/,.*$/, "");
  if (/_ratio$/.test(name2)) return { lo: 0, loOpen: false, hi: 1, hiOpen: false };
  if (/_percent$/.test(name2) || /_avg(10|60|300)$/.test(name2)) return { lo: 0, loOpen: false, hi: 100, hiOpen: false };
  if (/_(bytes|seconds|total|count|per_second|hertz|packets|kb)$/.test(name2)) return { lo: 0, loOpen: false, hi: Infinity, hiOpen: true };
  return ALL;
}
function conjunctionIntervals(c) {
  const out = /* @__PURE__ */ new Map();
  const leaves = conjunctionLeaves(c);
  for (const leaf of leaves) {
    if (leaf.threshold.kind !== "value") continue;
    const iv = fromOp(leaf.op, leaf.threshold.value);
    if (!iv) continue;
    const key = subjectLabel(leaf.subject);
    out.set(key, intersect(out.get(key) ?? metricDomain(key), iv));
  }
  return out;
}
function conjunctionLeaves(c) {
  if (c.kind === "compare") return [c];
  if (c.kind === "all") return c.of.flatMap(conjunctionLeaves);
  return [];
}

// ../../packages/policy/src/didYouMean.ts
function levenshtein(a, b) {
  const d2 = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d2[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d2[i];
      const prev = d2[i - 1];
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d2[a.length][b.length] ?? 0;
}
function didYouMean(word, options) {
  let best = "";
  let bestD = Infinity;
  for (const o of options) {
    const d2 = levenshtein(word.toLowerCase(), o.toLowerCase());
    if (d2 < bestD) {
      best = o;
      bestD = d2;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : "";
}

// ../../packages/policy/src/policyValidator.ts
function defaultSpec(knob) {
  const id = parseKnobId(knob);
  return findKnobSpec(id.kind, id.attribute);
}
var CATALOGUE_IDS = knobCatalogue.map((k) => k.kind === "sysctl" || k.kind === "thp" ? `${k.kind}:${k.attribute}` : k.attribute);
function movement(a) {
  if (a.adjust?.by !== void 0) return { dir: a.adjust.by > 0 ? 1 : a.adjust.by < 0 ? -1 : 0, text: `${a.adjust.by > 0 ? "raises" : "lowers"} it by ${Math.abs(a.adjust.by)}` };
  if (a.adjust?.factor !== void 0) return { dir: a.adjust.factor > 1 ? 1 : a.adjust.factor < 1 ? -1 : 0, text: `multiplies it by ${a.adjust.factor}` };
  return { dir: 0, text: `sets it to ${String(a.set)}` };
}
function opposed(a, b) {
  if (a.set !== void 0 && b.set !== void 0) return String(a.set) !== String(b.set);
  const ma = movement(a);
  const mb = movement(b);
  if (a.set !== void 0 || b.set !== void 0) return true;
  return ma.dir !== 0 && mb.dir !== 0 && ma.dir !== mb.dir;
}
function scopeKey(r) {
  return r.scope.kind === "host" ? "host" : r.scope.kind === "cgroup" ? `cgroup:${r.scope.cgroup}` : `process:${r.scope.comm}:${r.scope.cgroup ?? ""}`;
}
function canCoincide(a, b) {
  for (const [subject, ia] of a) {
    const ib = b.get(subject);
    if (ib && isEmpty(intersect(ia, ib))) return false;
  }
  return true;
}
function separation(a, b) {
  let best = 0;
  for (const [subject, ia] of a) {
    const ib = b.get(subject);
    if (ib) best = Math.max(best, gap(ia, ib));
  }
  return best;
}
function validatePolicy(policy, options = {}) {
  const spec = options.knobSpec ?? defaultSpec;
  const influence = options.influence ?? defaultKnobInfluence;
  const locate = options.locate ?? ((path, kind, message, severity) => ({ severity, kind, file: policy.file, line: 0, column: 0, path: formatPath(path), message }));
  const issues = [];
  const conflicted = /* @__PURE__ */ new Set();
  const intervals = policy.rules.map((r) => conjunctionIntervals(r.when));
  policy.rules.forEach((rule2, i) => {
    rule2.then.forEach((a, j) => {
      const path = ["rules", i, "then", j];
      const concrete = a.knob.replace("{cgroup}", "scope.slice").replace("{pid}", "1");
      let s;
      try {
        s = spec(concrete);
      } catch (error) {
        issues.push(locate([...path, "knob"], "knob", error instanceof ActuatorError ? error.message : String(error), "error"));
        return;
      }
      if (!s) {
        const id = parseKnobId(concrete);
        const guess = didYouMean(id.kind === "sysctl" || id.kind === "thp" ? a.knob : id.attribute, CATALOGUE_IDS);
        issues.push(locate([...path, "knob"], "knob", `knob '${a.knob}' is not in the knob table; ${guess ? `did you mean '${guess}'?` : "use a knob listed in the @ainka/actuators README"}`, "error"));
        return;
      }
      if (a.set !== void 0) {
        const problem = s.check(String(a.set), { knob: parseKnobId(concrete), current: "", read: () => void 0 });
        if (problem) issues.push(locate([...path, "set"], "bounds", `set ${String(a.set)} for ${a.knob}: ${problem}`, "error"));
        else if (typeof a.set === "number" && (a.min !== void 0 && a.set < a.min || a.max !== void 0 && a.set > a.max)) {
          issues.push(locate([...path, "set"], "bounds", `set ${a.set} is outside the action's own min/max; change the value or the bounds`, "error"));
        }
      }
      if (a.adjust !== void 0 && !s.numeric) {
        issues.push(locate([...path, "adjust"], "bounds", `${a.knob} is not a single number, so it cannot be adjusted; use set: <value>`, "error"));
      }
      if (a.min !== void 0 && s.min !== void 0 && a.min < s.min) issues.push(locate([...path, "min"], "bounds", `min ${a.min} is below ${a.knob}'s bound ${s.min}; raise it to at least ${s.min}`, "error"));
      if (a.max !== void 0 && s.max !== void 0 && a.max > s.max) issues.push(locate([...path, "max"], "bounds", `max ${a.max} is above ${a.knob}'s bound ${s.max}; lower it to at most ${s.max}`, "error"));
    });
    if (options.metrics) {
      const known = new Set(options.metrics);
      for (const m of new Set(comparisons(rule2.when).map((c) => c.subject.metric.replace(/\{.*$/, "")))) {
        if (known.has(m)) continue;
        const guess = didYouMean(m, options.metrics);
        issues.push(locate(["rules", i, "when"], "metric", `metric '${m}' is not in the metric catalogue; ${guess ? `did you mean '${guess}'?` : "check the name against the telemetry catalogue"}`, "warning"));
      }
    }
    for (const [subject, iv] of intervals[i] ?? []) {
      if (isEmpty(iv)) {
        const said = comparisons(rule2.when).filter((c) => c.threshold.kind === "value" && subjectLabel(c.subject) === subject).map((c) => `${subject} ${c.op} ${c.threshold.kind === "value" ? c.threshold.value : ""}`).join(" and ");
        issues.push(locate(["rules", i, "when"], "unreachable", `rule '${rule2.name}' can never fire: ${said} cannot hold${rangeNote(subject)}; fix the thresholds`, "error"));
      }
    }
  });
  for (let i = 0; i < policy.rules.length; i++) {
    for (let j = i + 1; j < policy.rules.length; j++) {
      const a = policy.rules[i];
      const b = policy.rules[j];
      if (a.priority !== b.priority || scopeKey(a) !== scopeKey(b)) continue;
      if (!canCoincide(intervals[i] ?? /* @__PURE__ */ new Map(), intervals[j] ?? /* @__PURE__ */ new Map())) continue;
      for (const x of a.then) {
        const y = b.then.find((t) => t.knob === x.knob && opposed(x, t));
        if (!y) continue;
        conflicted.add(`${i}/${j}/${x.knob}`);
        issues.push(
          locate(
            ["rules", j],
            "conflict",
            `rules '${a.name}' (rules[${i}]) and '${b.name}' both change ${x.knob} at priority ${a.priority} and can fire together ('${a.name}' ${movement(x).text}, '${b.name}' ${movement(y).text}); give one a higher priority or make their conditions exclusive`,
            "error"
          )
        );
      }
    }
  }
  const reads = policy.rules.map((r) => comparisons(r.when).map((c) => c.subject.metric));
  const edges = policy.rules.map(
    (r) => policy.rules.map((_, k) => r.then.some((a) => influence(a.knob).some((prefix) => (reads[k] ?? []).some((m) => m.startsWith(prefix)))))
  );
  const n = policy.rules.length;
  const reach = edges.map((row) => [...row]);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      if (!reach[i]?.[k]) continue;
      for (let j = 0; j < n; j++) if (reach[k]?.[j]) reach[i][j] = true;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (!reach[i]?.[j] || !reach[j]?.[i]) continue;
      const a = policy.rules[i];
      const b = policy.rules[j];
      if (scopeKey(a) !== scopeKey(b)) continue;
      for (const x of a.then) {
        const y = b.then.find((t) => t.knob === x.knob && opposed(x, t));
        if (!y || conflicted.has(`${i}/${j}/${x.knob}`)) continue;
        if (separation(intervals[i] ?? /* @__PURE__ */ new Map(), intervals[j] ?? /* @__PURE__ */ new Map()) > 0) continue;
        issues.push(
          locate(
            ["rules", j],
            "cycle",
            `rules '${a.name}' and '${b.name}' form a feedback loop on ${x.knob}: ${edges[i]?.[j] && edges[j]?.[i] ? "each changes metrics the other reads" : "they move each other's metrics through a chain of rules"}, '${a.name}' ${movement(x).text} and '${b.name}' ${movement(y).text}, and no gap separates their conditions; leave a gap between the thresholds (e.g. > 20 vs < 10) or add hysteresis`,
            // Different priorities decide which wins when both hold, so the loop is only a warning then.
            a.priority === b.priority ? "error" : "warning"
          )
        );
      }
    }
  }
  return issues;
}
function rangeNote(subject) {
  const d2 = metricDomain(subject);
  if (d2.lo === -Infinity && d2.hi === Infinity) return "";
  return ` (by its name, ${d2.hi === Infinity ? `${subject} \u2265 ${d2.lo}` : `${d2.lo} \u2264 ${subject} \u2264 ${d2.hi}`})`;
}

// ../../packages/policy/src/parsePolicy.ts
var KEYS = {
  document: ["apiVersion", "kind", "name", "description", "mode", "tags", "rules"],
  rule: ["name", "description", "when", "then", "priority", "cooldown", "mode", "scope", "tags"],
  action: ["knob", "set", "adjust", "min", "max"],
  adjust: ["by", "factor"],
  when: ["all", "any", "not"],
  scope: ["cgroup", "process"],
  process: ["comm", "cgroup"]
};
var Locator = class {
  constructor(file, doc, lines) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
  }
  file;
  doc;
  lines;
  /** Position of the node at `path` (or of its key, or of the deepest existing ancestor). */
  pos(path, key = false) {
    let node = this.doc.contents;
    let at = node;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (isMap2(node)) {
        const pair = node.items.find((p) => (isScalar2(p.key) ? p.key.value : p.key) === seg);
        if (!pair) break;
        if (key && i === path.length - 1 && isScalar2(pair.key)) {
          at = pair.key;
          break;
        }
        node = pair.value;
        at = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof seg === "number") {
        node = node.items[seg];
        if (node === void 0) break;
        at = node;
      } else break;
    }
    const offset = at?.range?.[0] ?? 0;
    const lp = this.lines.linePos(offset);
    return { line: lp.line, column: lp.col };
  }
  issue(kind, path, message, options = {}) {
    const p = this.pos(path, options.key);
    return { severity: options.severity ?? "error", kind, file: this.file, line: p.line, column: p.column + (options.offset ?? 0), path: formatPath(path), message };
  }
};
function valueAt(data, path) {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return void 0;
    v = v[seg];
  }
  return v;
}
function describe2(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the string '${v}'`;
  return `${typeof v} ${String(v)}`;
}
function contextOf(path) {
  const last = [...path].reverse().find((p) => typeof p === "string");
  if (path.length === 0) return "document";
  if (path[0] === "rules" && path.length === 2) return "rule";
  if (last === "then" || path.length >= 2 && path[path.length - 2] === "then") return "action";
  if (last === "adjust") return "adjust";
  if (last === "process") return "process";
  if (last === "scope") return "scope";
  return "when";
}
var UNION_HELP = {
  when: "must be an expression string or {all: [...]}, {any: [...]} or {not: ...}; write e.g. when: 'psi.memory.some_avg10 > 20 for 30s'",
  scope: "must be 'host', {cgroup: <path>} or {process: {comm: <name>}}; pick one of those forms",
  set: "must be a number or a string; write e.g. set: 10",
  cooldown: "must be a duration such as 30s, 5m or a number of seconds; write e.g. cooldown: 5m"
};
function zodIssues(loc, data, issues) {
  const out = [];
  for (const issue of issues) {
    const path = issue.path;
    const last = path[path.length - 1];
    const value = valueAt(data, path);
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) {
          const allowed = KEYS[contextOf(path)] ?? [];
          const guess = didYouMean(key, allowed);
          out.push(loc.issue("schema", [...path, key], `unknown key '${key}'; ${guess ? `did you mean '${guess}'?` : `allowed keys are ${allowed.join(", ")}`}`, { key: true }));
        }
        break;
      case "invalid_type":
        if (path.length === 0) {
          out.push(
            loc.issue(
              "schema",
              path,
              value === null || value === void 0 ? "the policy is empty; start it with apiVersion: ainka.dev/v1, kind: Policy, name and rules" : `a policy is a mapping with apiVersion, kind, name and rules, not ${describe2(value)}; write it as such a mapping`
            )
          );
        } else if (value === void 0) {
          out.push(loc.issue("schema", path.slice(0, -1), `missing required key '${String(last)}'; add ${String(last)}: \u2026`));
        } else {
          out.push(loc.issue("schema", path, `expected ${issue.expected === "int" ? "an integer" : issue.expected === "array" ? "a list" : issue.expected === "object" ? "a mapping" : `a ${issue.expected}`}, got ${describe2(value)}; change the value to that type`));
        }
        break;
      case "invalid_value": {
        const want = issue.values.map((v) => `'${String(v)}'`).join(" or ");
        const guess = typeof value === "string" ? didYouMean(value, issue.values.map(String)) : "";
        out.push(loc.issue("schema", path, `${describe2(value)} is not ${want}; ${guess ? `did you mean '${guess}'?` : issue.values.length > 1 ? "use one of those" : `write ${String(last)}: ${String(issue.values[0])}`}`));
        break;
      }
      case "too_small":
        out.push(
          loc.issue(
            "schema",
            path,
            issue.origin === "array" ? `needs at least ${String(issue.minimum)} item${issue.minimum === 1 ? "" : "s"}; add ${issue.minimum === 1 ? "one" : "more"}` : issue.inclusive === false ? `${String(value)} must be above ${String(issue.minimum)}; use a larger value` : `${String(value)} is below the minimum ${String(issue.minimum)}; use ${String(issue.minimum)} or more`
          )
        );
        break;
      case "too_big":
        out.push(
          loc.issue(
            "schema",
            path,
            issue.inclusive === false ? `${String(value)} must be below ${String(issue.maximum)}; use a smaller value` : `${String(value)} is above the maximum ${String(issue.maximum)}; use ${String(issue.maximum)} or less`
          )
        );
        break;
      case "invalid_union": {
        const key = typeof last === "string" ? last : [...path].reverse().find((p) => typeof p === "string");
        const help = UNION_HELP[String(key)] ?? UNION_HELP[contextOf(path)] ?? "has the wrong shape; check it against the policy reference";
        out.push(loc.issue("schema", path, `${String(key ?? "value")} ${help}`));
        break;
      }
      default:
        out.push(loc.issue("schema", path, `${describe2(value)} ${issue.message}`));
    }
  }
  return out;
}
function buildWhen(loc, input, path, issues) {
  if (typeof input === "string") {
    const r = parseCondition(input);
    if (r.ok) return r.condition;
    const node = loc.doc.getIn(path, true);
    const quoted = isScalar2(node) && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") ? 1 : 0;
    issues.push(loc.issue("expression", path, r.error.message, { offset: r.error.offset + quoted }));
    return void 0;
  }
  if ("not" in input) {
    const inner = buildWhen(loc, input.not, [...path, "not"], issues);
    return inner && { kind: "not", of: inner };
  }
  const kind = "all" in input ? "all" : "any";
  const list = "all" in input ? input.all : input.any;
  const parts = list.map((w, i) => buildWhen(loc, w, [...path, kind, i], issues));
  if (parts.some((p) => p === void 0)) return void 0;
  return { kind, of: parts };
}
function buildScope(raw) {
  if (raw === void 0 || raw === "host") return { kind: "host" };
  if ("cgroup" in raw) return { kind: "cgroup", cgroup: raw.cgroup };
  return raw.process.cgroup === void 0 ? { kind: "process", comm: raw.process.comm } : { kind: "process", comm: raw.process.comm, cgroup: raw.process.cgroup };
}
function buildPolicy(loc, doc, issues) {
  const policyMode = doc.mode ?? "advise";
  const seen = /* @__PURE__ */ new Map();
  const rules = doc.rules.map((r, i) => {
    const path = ["rules", i];
    const first = seen.get(r.name);
    if (first !== void 0) issues.push(loc.issue("schema", [...path, "name"], `rule name '${r.name}' is already used by rules[${first}]; give every rule a unique name`));
    else seen.set(r.name, i);
    const when2 = buildWhen(loc, r.when, [...path, "when"], issues);
    let cooldown = 300;
    if (r.cooldown !== void 0) {
      const c = parseDuration(r.cooldown);
      if (c === void 0) issues.push(loc.issue("schema", [...path, "cooldown"], `'${String(r.cooldown)}' is not a duration; write it like 30s, 5m or 1h`));
      else cooldown = c;
    }
    const then = r.then.map((a, j) => {
      const ap = [...path, "then", j];
      const kinds = [a.set !== void 0, a.adjust !== void 0].filter(Boolean).length;
      if (kinds !== 1) issues.push(loc.issue("schema", ap, `an action needs exactly one of 'set' or 'adjust'; ${kinds === 0 ? "add set: <value> or adjust: {by: <n>}" : "remove one of them"}`));
      if (a.adjust && a.adjust.by === void 0 && a.adjust.factor === void 0) issues.push(loc.issue("schema", [...ap, "adjust"], "adjust needs by or factor; write adjust: {by: -10} or adjust: {factor: 2}"));
      if (a.adjust?.by !== void 0 && a.adjust.factor !== void 0) issues.push(loc.issue("schema", [...ap, "adjust"], "adjust takes by or factor, not both; remove one"));
      if (a.min !== void 0 && a.max !== void 0 && a.min > a.max) issues.push(loc.issue("bounds", ap, `min ${a.min} is above max ${a.max}; swap them`));
      const action3 = {
        knob: a.knob,
        ...a.set !== void 0 ? { set: a.set } : {},
        ...a.adjust !== void 0 ? { adjust: { ...a.adjust.by !== void 0 ? { by: a.adjust.by } : {}, ...a.adjust.factor !== void 0 ? { factor: a.adjust.factor } : {} } } : {},
        ...a.min !== void 0 ? { min: a.min } : {},
        ...a.max !== void 0 ? { max: a.max } : {}
      };
      return action3;
    });
    const placeholder = (s) => s.kind === "cgroup" ? "{cgroup}" : s.kind === "process" ? "{pid}" : void 0;
    const scope2 = buildScope(r.scope);
    then.forEach((a, j) => {
      const needed = /\{(cgroup|pid)\}/.exec(a.knob)?.[0];
      if (needed && needed !== placeholder(scope2)) {
        issues.push(loc.issue("schema", [...path, "then", j, "knob"], `knob '${a.knob}' uses ${needed} but the rule's scope is ${scope2.kind}; add scope: ${needed === "{pid}" ? "{process: {comm: <name>}}" : "{cgroup: <path>}"} or name the target`));
      }
    });
    const cond = when2 ?? { kind: "all", of: [] };
    return {
      name: r.name,
      description: r.description ?? "",
      when: cond,
      whenText: when2 ? conditionText(when2) : "",
      then,
      priority: r.priority ?? 50,
      cooldown,
      mode: r.mode ?? policyMode,
      scope: scope2,
      tags: r.tags ?? []
    };
  });
  return { name: doc.name, description: doc.description ?? "", mode: policyMode, tags: doc.tags ?? [], rules, file: loc.file };
}
function checkPolicy(text2, options = {}) {
  const file = options.file ?? "<inline>";
  const lines = new LineCounter();
  const doc = parseDocument(text2, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const loc = new Locator(file, doc, lines);
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => {
        const lp = lines.linePos(e.pos[0]);
        const first = e.message.split("\n")[0] ?? e.message;
        return { severity: "error", kind: "syntax", file, line: lp.line, column: lp.col, path: "", message: `${first.replace(/ at line \d+, column \d+:?$/, "")}; fix the YAML/JSON syntax there` };
      })
    };
  }
  const data = doc.toJS();
  const parsed = policyDocumentSchema.safeParse(data);
  if (!parsed.success) return { issues: sortIssues(zodIssues(loc, data, parsed.error.issues)) };
  const issues = [];
  const policy = buildPolicy(loc, parsed.data, issues);
  if (issues.length > 0) return { issues: sortIssues(issues) };
  if (options.staticChecks === false) return { policy, issues: [] };
  const checks = validatePolicy(policy, { ...options, locate: (path, kind, message, severity) => loc.issue(kind, path, message, { severity }) });
  const sorted = sortIssues(checks);
  return sorted.some((i) => i.severity === "error") ? { issues: sorted } : { policy, issues: sorted };
}
function sortIssues(issues) {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}
function parsePolicy(text2, options = {}) {
  const r = checkPolicy(text2, options);
  if (r.policy) return r.policy;
  const errors = r.issues.filter((i) => i.severity === "error");
  const code = errors.some((i) => i.kind === "syntax") ? PolicyErrorCode.syntax : errors.some((i) => i.kind === "schema" || i.kind === "expression") ? PolicyErrorCode.invalid : PolicyErrorCode.rejected;
  throw new PolicyError(code, errors);
}

// ../../packages/policy/src/packs.ts
var policyPacks = {
  throughput: `apiVersion: ainka.dev/v1
kind: Policy
name: throughput
description: Favour bulk throughput over latency and power.
tags: [throughput]
rules:
  - name: widen-read-ahead-for-streaming
    description: Large sequential reads with little I/O pressure benefit from a bigger read-ahead window.
    when: disk.read_bytes_per_second{device="sda"} > 100MiB for 2m and psi.io.some_avg10 < 10
    then:
      - knob: block:sda:read_ahead_kb
        adjust: {factor: 2}
        max: 4096
    cooldown: 10m
  - name: large-tcp-buffers-for-bulk-transfer
    description: Fast, clean links need buffers large enough for their bandwidth-delay product.
    when: net.rx_bytes_per_second > 100MiB for 1m and net.tcp.retransmit_ratio < 0.01
    then:
      - knob: sysctl:net.core.rmem_max
        set: 16777216
      - knob: sysctl:net.ipv4.tcp_rmem
        set: 4096 131072 16777216
    cooldown: 30m
  - name: batch-writeback-under-write-load
    description: Let more dirty data accumulate so writeback issues larger I/O.
    when: disk.write_bytes_per_second{device="sda"} > 50MiB for 2m and psi.memory.some_avg10 < 5
    then:
      - knob: sysctl:vm.dirty_background_ratio
        set: 10
      - knob: sysctl:vm.dirty_ratio
        set: 40
    cooldown: 30m
  - name: performance-governor-when-busy
    description: Sustained CPU saturation; stop the governor from ramping down between bursts.
    when: cpu.busy_ratio > 0.8 for 2m
    then:
      - knob: cpufreq:policy0:scaling_governor
        set: performance
    cooldown: 10m
`,
  latency: `apiVersion: ainka.dev/v1
kind: Policy
name: latency
description: Keep tail latency low, at some cost in throughput and power.
tags: [latency]
rules:
  - name: fast-cpu-under-cpu-pressure
    description: Tasks waiting for CPU; run the cores at full speed.
    when: psi.cpu.some_avg10 > 10 for 30s
    then:
      - knob: cpufreq:policy0:energy_performance_preference
        set: performance
    cooldown: 10m
  - name: avoid-thp-compaction-stalls
    description: Direct compaction for huge pages stalls allocations; defer it to kcompactd.
    when: psi.memory.some_avg10 > 5 for 1m and vm.alloc_stalls_per_second > 10
    then:
      - knob: thp:defrag
        set: defer
    cooldown: 30m
  - name: small-unsent-queues
    description: Keep little unsent data in sockets so new writes are not queued behind old ones.
    when: net.tcp.established_count > 100 and net.tcp.retransmit_ratio < 0.02
    then:
      - knob: sysctl:net.ipv4.tcp_notsent_lowat
        set: 131072
      - knob: sysctl:net.ipv4.tcp_slow_start_after_idle
        set: 0
    cooldown: 1h
`,
  balanced: `apiVersion: ainka.dev/v1
kind: Policy
name: balanced
description: Kernel defaults, nudged only when the machine is clearly busy or idle.
tags: [balanced]
rules:
  - name: balance-performance-when-busy
    description: Busy for minutes; lean the energy hint towards performance.
    when: cpu.busy_ratio > 0.7 for 5m
    then:
      - knob: cpufreq:policy0:energy_performance_preference
        set: balance_performance
    cooldown: 15m
  - name: balance-power-when-idle
    description: Mostly idle for minutes; lean the energy hint towards saving power.
    when: cpu.busy_ratio < 0.3 for 10m
    then:
      - knob: cpufreq:policy0:energy_performance_preference
        set: balance_power
    cooldown: 15m
  - name: default-swappiness-when-calm
    description: No memory pressure for half an hour and swap mostly free; return swappiness to the kernel default.
    when: psi.memory.some_avg10 < 1 for 30m and swap.used_ratio < 0.5
    then:
      - knob: sysctl:vm.swappiness
        set: 60
    cooldown: 1h
`,
  powersave: `apiVersion: ainka.dev/v1
kind: Policy
name: powersave
description: Save energy when the machine is mostly idle, give it back when it is busy.
tags: [power]
rules:
  - name: powersave-when-idle
    description: Idle for five minutes; use the powersave governor and the power energy hint.
    when: cpu.busy_ratio < 0.2 for 5m
    then:
      - knob: cpufreq:policy0:scaling_governor
        set: powersave
      - knob: cpufreq:policy0:energy_performance_preference
        set: power
    cooldown: 15m
  - name: balance-power-when-busy
    description: Busy again; move the energy hint back from power to balance_power.
    when: cpu.busy_ratio > 0.6 for 1m
    then:
      - knob: cpufreq:policy0:energy_performance_preference
        set: balance_power
    cooldown: 5m
  - name: lazy-writeback-when-idle
    description: Wake the disk less often for writeback.
    when: cpu.busy_ratio < 0.2 for 5m and disk.write_bytes_per_second{device="sda"} < 1MiB
    then:
      - knob: sysctl:vm.dirty_writeback_centisecs
        set: 1500
      - knob: sysctl:vm.dirty_expire_centisecs
        set: 3000
    cooldown: 1h
`,
  "memory-pressure": `apiVersion: ainka.dev/v1
kind: Policy
name: memory-pressure
description: React to memory pressure early and gently, and undo it when pressure is gone.
tags: [memory]
rules:
  - name: reclaim-earlier-under-pressure
    description: Wake kswapd earlier so allocations do not stall in direct reclaim.
    when: psi.memory.some_avg10 > 20 for 30s
    then:
      - knob: sysctl:vm.watermark_scale_factor
        adjust: {by: 50}
        max: 500
    priority: 60
    cooldown: 5m
  - name: default-watermarks-when-calm
    description: Pressure has been low for ten minutes; return the watermark scale factor to its default.
    when: psi.memory.some_avg10 < 5 for 10m
    then:
      - knob: sysctl:vm.watermark_scale_factor
        set: 10
    cooldown: 30m
  - name: keep-caches-under-pressure
    description: Reclaim dentries and inodes less eagerly when page cache is being refaulted.
    when: vm.workingset_refaults_per_second > 1000 for 1m and psi.memory.some_avg10 > 10
    then:
      - knob: sysctl:vm.vfs_cache_pressure
        set: 50
    cooldown: 30m
  - name: reserve-before-predicted-exhaustion
    description: An anomalous pressure rise with memory forecast to run out soon; keep a larger free reserve.
    when: anomaly(psi.memory.some_avg10) > 0.9 and forecast(mem.available_bytes, 5m) < 256MiB
    then:
      - knob: sysctl:vm.min_free_kbytes
        set: 131072
    priority: 70
    cooldown: 30m
`,
  "network-under-loss": `apiVersion: ainka.dev/v1
kind: Policy
name: network-under-loss
description: On lossy paths, use BBR with fair queueing and probe the path MTU.
tags: [network]
rules:
  - name: bbr-on-lossy-paths
    description: Loss-based congestion control collapses on random loss; BBR does not.
    when: net.tcp.retransmit_ratio > 0.02 for 1m
    then:
      - knob: sysctl:net.core.default_qdisc
        set: fq
      - knob: sysctl:net.ipv4.tcp_congestion_control
        set: bbr
      - knob: sysctl:net.ipv4.tcp_mtu_probing
        set: 1
    cooldown: 30m
  - name: cubic-when-clean
    description: The path has been clean for half an hour; return to the default congestion control.
    when: net.tcp.retransmit_ratio < 0.002 for 30m
    then:
      - knob: sysctl:net.ipv4.tcp_congestion_control
        set: cubic
    cooldown: 1h
`
};
function loadPolicyPack(name2) {
  const text2 = policyPacks[name2];
  if (text2 === void 0) {
    throw new PolicyError(PolicyErrorCode.unknownPack, [], `unknown policy pack '${String(name2)}'; use one of ${Object.keys(policyPacks).join(", ")}`);
  }
  return parsePolicy(text2, { file: `pack:${name2}` });
}

// ../../packages/policy/src/thresholdManager.ts
var Ring = class {
  data;
  size = 0;
  next = 0;
  constructor(capacity) {
    this.data = new Float64Array(capacity);
  }
  push(v) {
    this.data[this.next] = v;
    this.next = (this.next + 1) % this.data.length;
    this.size = Math.min(this.size + 1, this.data.length);
  }
  quantile(q) {
    const sorted = Float64Array.from(this.data.subarray(0, this.size)).sort();
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }
};
var ThresholdManager = class {
  window;
  minSamples;
  minRelativeChange;
  hourOf;
  rings = /* @__PURE__ */ new Map();
  cells = /* @__PURE__ */ new Map();
  lastAt = 0;
  /** @param options window size, warm-up and threshold hysteresis. */
  constructor(options = {}) {
    this.window = options.window ?? 2048;
    this.minSamples = options.minSamples ?? 30;
    this.minRelativeChange = options.minRelativeChange ?? 0.05;
    this.hourOf = options.hourOf ?? ((t) => new Date(t).getUTCHours());
  }
  ring(key) {
    let r = this.rings.get(key);
    if (!r) {
      r = new Ring(this.window);
      this.rings.set(key, r);
    }
    return r;
  }
  /** Record a sample of a metric at `atMs`. Non-finite values are ignored. */
  observe(metric2, value, atMs) {
    if (!Number.isFinite(value)) return;
    this.ring(metric2).push(value);
    this.ring(`${metric2}@${this.hourOf(atMs)}`).push(value);
    this.lastAt = atMs;
  }
  /** Metrics that some threshold learns from. */
  learnedMetrics() {
    return [...new Set([...this.cells.values()].map((c) => c.spec.metric))];
  }
  /** The quantile × factor of a baseline now, or `undefined` while it has fewer than `minSamples`. */
  compute(spec, atMs = this.lastAt) {
    const r = this.rings.get(spec.seasonal ? `${spec.metric}@${this.hourOf(atMs)}` : spec.metric);
    if (!r || r.size < this.minSamples) return void 0;
    return r.quantile(spec.quantile) * spec.factor;
  }
  /** The live cell for a threshold (shared between rules that use the same one). */
  cell(spec) {
    const key = `${spec.metric}|${spec.quantile}|${spec.factor}|${spec.seasonal}`;
    let entry = this.cells.get(key);
    if (!entry) {
      entry = { spec, cell: { value: Number.NaN } };
      this.cells.set(key, entry);
      const v = this.compute(spec);
      if (v !== void 0) entry.cell.value = v;
    }
    return entry.cell;
  }
  /** Recompute every cell for time `atMs`, moving each only past the relative-change band. */
  refresh(atMs = this.lastAt) {
    for (const { spec, cell } of this.cells.values()) {
      const v = this.compute(spec, atMs);
      if (v === void 0) continue;
      const old = cell.value;
      if (Number.isNaN(old) || Math.abs(v - old) > Math.abs(old) * this.minRelativeChange || old === 0 && v !== 0) cell.value = v;
    }
  }
};

// ../../packages/policy/src/ruleEngine.ts
var EMPTY = {};
function compareFn(op) {
  switch (op) {
    case ">":
      return (x, t) => x > t;
    case ">=":
      return (x, t) => x >= t;
    case "<":
      return (x, t) => x < t;
    case "<=":
      return (x, t) => x <= t;
    case "==":
      return (x, t) => x === t;
    case "!=":
      return (x, t) => x === x && t === t && x !== t;
  }
}
function constantLeaf(slot, op, t) {
  switch (op) {
    case ">":
      return (v) => v[slot] > t;
    case ">=":
      return (v) => v[slot] >= t;
    case "<":
      return (v) => v[slot] < t;
    case "<=":
      return (v) => v[slot] <= t;
    case "==":
      return (v) => v[slot] === t;
    case "!=":
      return (v) => {
        const x = v[slot];
        return x === x && x !== t;
      };
  }
}
var RuleEngine = class {
  /** The dynamic-threshold manager the rules read. */
  thresholds;
  index = /* @__PURE__ */ new Map();
  compiled = [];
  fns = [];
  /**
   * @param policies policies to compile (rules keep their order; policies their order).
   * @param options a shared threshold manager (default: a new one).
   */
  constructor(policies, options = {}) {
    this.thresholds = options.thresholds ?? new ThresholdManager();
    let order = 0;
    for (const policy of policies) {
      for (const rule2 of policy.rules) this.compiled.push({ rule: rule2, policy: policy.name, order: order++, node: this.compile(rule2.when) });
    }
    for (const c of this.compiled) this.fns.push(c.node.fn);
  }
  /** Number of compiled rules. */
  get size() {
    return this.compiled.length;
  }
  /** A frame with one slot per metric the rules read. */
  frame() {
    return new MetricFrame(this.index);
  }
  /** The compiled function of rule `i` (for benchmarks and tests). */
  conditionOf(i) {
    return this.compiled[i]?.node.fn;
  }
  slot(metric2) {
    let i = this.index.get(metric2);
    if (i === void 0) {
      i = this.index.size;
      this.index.set(metric2, i);
    }
    return i;
  }
  subjectFn(s) {
    switch (s.kind) {
      case "metric": {
        const slot = this.slot(s.metric);
        return { get: (v) => v[slot], stateful: false };
      }
      case "rate": {
        const slot = this.slot(s.metric);
        let prev = Number.NaN;
        let prevAt = Number.NaN;
        let last = Number.NaN;
        let lastNow = Number.NaN;
        return {
          stateful: true,
          get: (v, now) => {
            if (now === lastNow) return last;
            const x = v[slot];
            let r = Number.NaN;
            if (x === x && prev === prev && now > prevAt) r = (x - prev) / ((now - prevAt) / 1e3);
            if (x === x) {
              prev = x;
              prevAt = now;
            }
            last = r;
            lastNow = now;
            return r;
          }
        };
      }
      case "anomaly": {
        const m = s.metric;
        return { get: (_v, _n, ctx) => ctx.anomalyScore?.(m) ?? Number.NaN, stateful: false };
      }
      case "forecast": {
        const m = s.metric;
        const h = s.horizon;
        return { get: (_v, _n, ctx) => ctx.forecast?.(m, h) ?? Number.NaN, stateful: false };
      }
    }
  }
  compileLeaf(c) {
    const label = subjectLabel(c.subject);
    const cell = c.threshold.kind === "dynamic" ? this.thresholds.cell(c.threshold) : { value: c.threshold.value };
    const forMs = c.for * 1e3;
    const explainWith = (get) => (values, ctx, negated, out) => {
      out.push({ subject: label, value: get(values, ctx), op: c.op, threshold: cell.value, for: c.for, negated });
    };
    if (c.subject.kind === "metric" && c.threshold.kind === "value" && c.for === 0 && c.hysteresis === 0) {
      const slot = this.slot(c.subject.metric);
      return { fn: constantLeaf(slot, c.op, c.threshold.value), stateful: false, explain: explainWith((v) => v[slot]) };
    }
    if (c.subject.kind === "metric" && c.threshold.kind === "value" && c.hysteresis === 0) {
      const slot = this.slot(c.subject.metric);
      const inner = constantLeaf(slot, c.op, c.threshold.value);
      let since0 = Number.NaN;
      const fn0 = (v, now) => {
        if (inner(v, now, EMPTY)) {
          if (since0 !== since0) since0 = now;
          return now - since0 >= forMs;
        }
        since0 = Number.NaN;
        return false;
      };
      return { fn: fn0, stateful: true, explain: explainWith((v) => v[slot]) };
    }
    const subject = this.subjectFn(c.subject);
    const cmp2 = compareFn(c.op);
    const h = c.hysteresis;
    const release = h === 0 || c.op === "==" || c.op === "!=" ? void 0 : c.op === ">" || c.op === ">=" ? (x, t) => x > t - h : (x, t) => x < t + h;
    let active = false;
    let since = Number.NaN;
    let lastValue = Number.NaN;
    const raw = (x, t) => {
      if (release) {
        active = active ? x === x && release(x, t) : cmp2(x, t);
        return active;
      }
      return cmp2(x, t);
    };
    const fn = forMs > 0 ? (v, now, ctx) => {
      const x = subject.get(v, now, ctx);
      lastValue = x;
      if (raw(x, cell.value)) {
        if (since !== since) since = now;
        return now - since >= forMs;
      }
      since = Number.NaN;
      return false;
    } : (v, now, ctx) => {
      const x = subject.get(v, now, ctx);
      lastValue = x;
      return raw(x, cell.value);
    };
    return { fn, stateful: subject.stateful || forMs > 0 || release !== void 0, explain: explainWith(() => lastValue) };
  }
  compile(c) {
    switch (c.kind) {
      case "compare":
        return this.compileLeaf(c);
      case "not": {
        const inner = this.compile(c.of);
        const f = inner.fn;
        return { fn: (v, n, x) => !f(v, n, x), stateful: inner.stateful, explain: (v, x, neg, out) => inner.explain(v, x, !neg, out) };
      }
      case "all":
      case "any": {
        const kids = c.of.map((k) => this.compile(k));
        const fns = kids.map((k) => k.fn);
        const stateful = kids.some((k) => k.stateful);
        const isAll = c.kind === "all";
        let fn;
        if (fns.length === 0) fn = () => isAll;
        else if (stateful && fns.length === 2) {
          const [a, b] = fns;
          fn = isAll ? (v, n, x) => {
            const p = a(v, n, x);
            const q = b(v, n, x);
            return p && q;
          } : (v, n, x) => {
            const p = a(v, n, x);
            const q = b(v, n, x);
            return p || q;
          };
        } else if (stateful) {
          fn = isAll ? (v, n, x) => {
            let r = true;
            for (let i = 0; i < fns.length; i++) if (!fns[i](v, n, x)) r = false;
            return r;
          } : (v, n, x) => {
            let r = false;
            for (let i = 0; i < fns.length; i++) if (fns[i](v, n, x)) r = true;
            return r;
          };
        } else if (fns.length === 2) {
          const [a, b] = fns;
          fn = isAll ? (v, n, x) => a(v, n, x) && b(v, n, x) : (v, n, x) => a(v, n, x) || b(v, n, x);
        } else {
          fn = isAll ? (v, n, x) => {
            for (let i = 0; i < fns.length; i++) if (!fns[i](v, n, x)) return false;
            return true;
          } : (v, n, x) => {
            for (let i = 0; i < fns.length; i++) if (fns[i](v, n, x)) return true;
            return false;
          };
        }
        const explain = (v, x, neg, out) => {
          for (const k of kids) k.explain(v, x, neg, out);
        };
        return { fn, stateful, explain };
      }
    }
  }
  /**
   * Evaluate every rule at time `now` (ms). Returns the rules whose conditions hold, with evidence.
   * Call it once per tick: rates and `for` durations advance with each call.
   */
  evaluate(frame, now, ctx = EMPTY) {
    const v = frame.values;
    const hits = [];
    const fns = this.fns;
    for (let i = 0; i < fns.length; i++) {
      if (fns[i](v, now, ctx)) {
        const c = this.compiled[i];
        const evidence = [];
        c.node.explain(v, ctx, false, evidence);
        const held = evidence.filter((e) => e.negated || holds2(e));
        hits.push({ rule: c.rule, policy: c.policy, order: c.order, evidence: held.length > 0 ? held : evidence, at: now });
      }
    }
    return hits;
  }
  /** Evaluate and return only which rules hold (no evidence, no allocation beyond the result). */
  decide(frame, now, ctx = EMPTY, out = []) {
    const v = frame.values;
    const fns = this.fns;
    for (let i = 0; i < fns.length; i++) out[i] = fns[i](v, now, ctx);
    return out;
  }
  /** Feed the frame's values of learned metrics to the threshold manager and refresh the thresholds. */
  learn(frame, now) {
    for (const m of this.thresholds.learnedMetrics()) {
      const x = frame.get(m);
      if (x !== void 0) this.thresholds.observe(m, x, now);
    }
    this.thresholds.refresh(now);
  }
};
var COMPARE = {
  ">": compareFn(">"),
  ">=": compareFn(">="),
  "<": compareFn("<"),
  "<=": compareFn("<="),
  "==": compareFn("=="),
  "!=": compareFn("!=")
};
function holds2(e) {
  return e.for > 0 || COMPARE[e.op](e.value, e.threshold);
}

// src/latency.ts
var BOUNDS = Array.from({ length: 17 }, (_, i) => 0.25 * 2 ** i);
var LatencyHistogram = class {
  budgetMs;
  counts = new Array(BOUNDS.length + 1).fill(0);
  recent;
  n = 0;
  over = 0;
  maxSeen = 0;
  sum = 0;
  constructor(budgetMs, keep2 = 1024) {
    this.budgetMs = budgetMs;
    this.recent = new Float64Array(keep2);
  }
  /** Record one observation (ms); returns true when it exceeded the budget. */
  observe(ms) {
    let i = 0;
    while (i < BOUNDS.length && ms > BOUNDS[i]) i++;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.recent[this.n % this.recent.length] = ms;
    this.n++;
    this.sum += ms;
    if (ms > this.maxSeen) this.maxSeen = ms;
    const over = ms > this.budgetMs;
    if (over) this.over++;
    return over;
  }
  /** Number of observations. */
  get count() {
    return this.n;
  }
  /** Sum of all observations (ms), for Prometheus `_sum`. */
  get total() {
    return this.sum;
  }
  /** Percentile (0..100) over the recent window, or null when empty. */
  percentile(p) {
    const m = Math.min(this.n, this.recent.length);
    if (m === 0) return null;
    const sorted = Array.from(this.recent.subarray(0, m)).sort((a, b) => a - b);
    const idx = Math.min(m - 1, Math.max(0, Math.ceil(p / 100 * m) - 1));
    return sorted[idx];
  }
  /** Cumulative buckets for Prometheus (`le` in ms). */
  cumulative() {
    let acc = 0;
    const out = [];
    for (let i = 0; i < BOUNDS.length; i++) {
      acc += this.counts[i] ?? 0;
      out.push({ le: BOUNDS[i], count: acc });
    }
    out.push({ le: Number.POSITIVE_INFINITY, count: this.n });
    return out;
  }
  /** The summary the API returns. */
  summary() {
    return {
      count: this.n,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      max: this.n === 0 ? null : this.maxSeen,
      budgetMs: this.budgetMs,
      overBudget: this.over,
      buckets: BOUNDS.map((le, i) => ({ le, count: this.counts[i] ?? 0 }))
    };
  }
};

// src/immediateStage.ts
var nameOf = (values) => {
  const m = new Map(Object.entries(values).map(([k, v]) => [v, k.toLowerCase()]));
  return (v) => m.get(v) ?? String(v);
};
var actionName = nameOf(RuleAction);
var statusName = nameOf(ActionStatus);
var telemetryOf = new Map(Object.entries(kernelMetricMap).map(([name2, m]) => [m.metric, { name: name2, scale: m.scale }]));
var ImmediateStage = class _ImmediateStage {
  constructor(kernel, opts) {
    this.kernel = kernel;
    this.opts = opts;
    this.latency = new LatencyHistogram(opts.budgetMs ?? 1);
    this.subs.push(
      kernel.events$.subscribe({
        next: (e) => this.onEvent(e),
        error: (err) => opts.log.warn({ err: describeError(err) }, `kernel events stopped: ${describeError(err).message}`)
      }),
      kernel.errors$.subscribe((err) => opts.log.warn({ err: describeError(err) }, `kernel: ${err.message}`))
    );
    this.timer = setInterval(() => void this.poll(), opts.statusIntervalMs ?? 1e3);
    this.timer.unref();
  }
  kernel;
  opts;
  /** Observations of the kernel's per-sample evaluation time (ms), read from its counters. */
  latency;
  compiled = [];
  policies = /* @__PURE__ */ new Map();
  last;
  lastSamples = 0n;
  subs = [];
  timer;
  pushing = Promise.resolve();
  closed = false;
  /** Kernel events seen, by type. */
  events = /* @__PURE__ */ new Map();
  /** Open the module (heartbeating while open). Throws what `AinkaKernel.open` throws. */
  static async open(opts) {
    const { AinkaKernel: K } = await import("@ainka/ipc");
    const kernel = await K.open({ ring: false, requestTimeoutMs: opts.requestTimeoutMs ?? 1e4 });
    return new _ImmediateStage(kernel, opts);
  }
  /** Rules in the kernel's cache (as last pushed). */
  get ruleCount() {
    return this.compiled.length;
  }
  /** The kernel's latest status (counters), if read yet. */
  get status() {
    return this.last;
  }
  /**
   * Compile and push the policies (replacing the cache), and set the kernel's mode. Pushes are serialised;
   * a failure is logged and leaves the previous cache in place.
   */
  push(policies) {
    const run2 = async () => {
      if (this.closed) return;
      const { compiled, skipped } = compileKernelRules(policies);
      const enforce = this.opts.mode === "enforce" && compiled.some((c) => this.policyMode(policies, c) === "enforce");
      try {
        await this.kernel.setMode("observe");
        if (compiled.length > 0) await this.kernel.loadPolicies(compiled.map((c) => c.rule), { replace: true });
        else await this.kernel.clearPolicies();
        if (enforce) await this.kernel.setMode("enforce");
        this.compiled = compiled;
        this.policies = new Map(policies.map((p) => [p.name, p]));
        this.opts.log.info(
          { layer: "immediate", rules: compiled.map((c) => ({ id: c.rule.id, policy: c.source.policy, rule: c.source.rule, action: actionName(c.rule.action) })), skipped, kernelMode: enforce ? "enforce" : "observe" },
          `immediate layer: ${compiled.length} rule(s) pushed to the kernel policy cache in ${enforce ? "enforce" : "observe"} mode (${skipped.length} stay in userspace)`
        );
      } catch (err) {
        this.opts.log.error({ err: describeError(err) }, `immediate layer: pushing ${compiled.length} rule(s) to the kernel failed: ${describeError(err).message}`);
      }
    };
    this.pushing = this.pushing.then(run2, run2);
    return this.pushing;
  }
  policyMode(policies, c) {
    const p = policies.find((x) => x.name === c.source.policy);
    return p?.rules.find((r) => r.name === c.source.rule)?.mode ?? p?.mode;
  }
  /** Read the kernel's counters and record its evaluation time. */
  async poll() {
    if (this.closed) return;
    try {
      const s = await this.kernel.status();
      this.last = s;
      if (s.counters.samples !== this.lastSamples) {
        this.lastSamples = s.counters.samples;
        if (this.latency.observe(Number(s.counters.evalNsLast) / 1e6)) {
          this.opts.log.warn({ layer: "immediate", ms: Number(s.counters.evalNsLast) / 1e6 }, "immediate layer over budget");
        }
      }
    } catch (err) {
      if (!this.closed) this.opts.log.debug({ err: describeError(err) }, "kernel status failed");
    }
  }
  /** The layer's latency: p50/p90 from sampled evaluations, p99 and max from the kernel's own counters. */
  summary() {
    const s = this.latency.summary();
    const c = this.last?.counters;
    if (c === void 0) return s;
    return { ...s, p99: Number(c.evalNsP99) / 1e6, max: Number(c.evalNsMax) / 1e6 };
  }
  ruleFor(id) {
    return this.compiled.find((c) => c.rule.id === id);
  }
  onEvent(e) {
    this.events.set(e.type, (this.events.get(e.type) ?? 0) + 1);
    const at = Date.now();
    const p99 = this.summary().p99 ?? 0;
    const base = (c, ruleId) => {
      const pr = c === void 0 ? void 0 : this.policies.get(c.source.policy)?.rules.find((r) => r.name === c.source.rule);
      const metric2 = c === void 0 ? void 0 : telemetryOf.get(c.rule.metric);
      return {
        policy: c?.source.policy ?? "kernel",
        rule: c?.source.rule ?? `kernel-rule-${ruleId}`,
        condition: pr?.whenText ?? (c === void 0 ? `kernel rule ${ruleId}` : `metric ${c.rule.metric} cmp ${c.rule.cmp} ${c.rule.threshold}`),
        series: metric2?.name ?? "kernel",
        scale: metric2?.scale ?? 1,
        mode: pr?.mode ?? "advise"
      };
    };
    const emit = (r) => {
      this.opts.log.info({ event: "kernel", kernel: { type: e.type }, action: r }, r.line);
      this.opts.onDecision(r);
    };
    switch (e.type) {
      case "policy-hit": {
        const b = base(this.ruleFor(e.ruleId), e.ruleId);
        const value = Number(e.metricValue) / b.scale;
        emit({
          policy: b.policy,
          rule: b.rule,
          knob: `kernel:rule:${e.ruleId}`,
          value: "hit",
          mode: b.mode,
          status: "kernel-hit",
          before: null,
          line: `kernel: rule '${b.rule}' of policy ${b.policy} held in the kernel policy cache, because ${b.condition} (${b.series} = ${value})`,
          because: `${b.condition} held in the kernel (${b.series} = ${value})`,
          evidence: [{ series: b.series, value, condition: b.condition }],
          changeId: null,
          at,
          latencyMs: p99
        });
        return;
      }
      case "action": {
        const c = this.ruleFor(e.ruleId);
        const b = base(c, e.ruleId);
        const a = e.action;
        const kind = a === void 0 ? actionName(c?.rule.action ?? 0) : actionName(a.kind);
        const status = a === void 0 ? "unknown" : statusName(a.status);
        const target2 = a !== void 0 && a.pid > 0 ? `process:${a.pid}(${a.comm})` : "host";
        const change = a === void 0 ? "" : a.pid > 0 ? `: ${a.oldValue} \u2192 ${a.newValue}` : "";
        emit({
          policy: b.policy,
          rule: b.rule,
          knob: `kernel:${kind}:${target2}`,
          value: a === void 0 ? kind : String(a.newValue),
          mode: b.mode,
          status: `kernel-${status}`,
          before: a === void 0 || a.pid === 0 ? null : String(a.oldValue),
          line: `kernel: ${kind} on ${target2} ${status}${change}, because rule '${b.rule}' of policy ${b.policy} held (${b.condition})`,
          because: `rule '${b.rule}' held in the kernel (${b.condition})`,
          evidence: [],
          changeId: null,
          at,
          latencyMs: p99
        });
        return;
      }
      case "request": {
        const c = this.compiled[e.requestCode - 1] ?? this.ruleFor(e.ruleId);
        const b = base(c, e.ruleId);
        emit({
          policy: b.policy,
          rule: b.rule,
          knob: `kernel:request:${e.requestCode}`,
          value: "request",
          mode: b.mode,
          status: "kernel-request",
          before: null,
          line: `kernel: requests userspace action for rule '${b.rule}' of policy ${b.policy} (request code ${e.requestCode}), because ${b.condition} held; the fast layer evaluates its actions on the next tick`,
          because: `${b.condition} held in the kernel`,
          evidence: [],
          changeId: null,
          at,
          latencyMs: p99
        });
        return;
      }
      case "watchdog": {
        emit({
          policy: "kernel",
          rule: "watchdog",
          knob: "kernel:mode",
          value: "observe",
          mode: "advise",
          status: "kernel-watchdog",
          before: null,
          line: "kernel: watchdog fired (no heartbeat within its timeout): actions reverted, module back in observe mode",
          because: "no heartbeat reached the module within its watchdog timeout",
          evidence: [],
          changeId: null,
          at,
          latencyMs: p99
        });
        return;
      }
      default:
        this.opts.log.debug({ event: "kernel", kernel: { type: e.type } }, `kernel event ${e.type}`);
    }
  }
  /** Clear the kernel's policies and close (restoring observe mode). Bounded; never throws. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.pushing.catch(() => void 0);
    try {
      await this.kernel.clearPolicies();
      this.opts.log.info({ layer: "immediate" }, "immediate layer: kernel policy cache cleared");
    } catch (err) {
      this.opts.log.warn({ err: describeError(err) }, `immediate layer: clearing the kernel policies failed: ${describeError(err).message}`);
    }
    for (const s of this.subs) s.unsubscribe();
    try {
      await this.kernel.close({ restoreObserve: true });
    } catch (err) {
      this.opts.log.warn({ err: describeError(err) }, `closing the kernel connection failed: ${describeError(err).message}`);
    }
  }
};

// src/paths.ts
import { homedir } from "os";
import { isAbsolute, join as join5 } from "path";
function isRoot2() {
  return typeof process.getuid === "function" && process.getuid() === 0;
}
function defaultPaths(env = process.env) {
  const root = isRoot2();
  const xdg = (v) => v !== void 0 && isAbsolute(v) ? v : void 0;
  const set = (v) => v !== void 0 && v !== "" ? v : void 0;
  const stateDir = set(env.AINKA_STATE_DIR) ?? (root ? "/var/lib/ainka" : join5(xdg(env.XDG_STATE_HOME) ?? join5(homedir(), ".local", "state"), "ainka"));
  const runtimeDir = xdg(env.XDG_RUNTIME_DIR);
  const runtime = root ? "/run/ainka" : runtimeDir !== void 0 ? join5(runtimeDir, "ainka") : stateDir;
  const socket = set(env.AINKA_SOCKET) ?? join5(runtime, "ainkad.sock");
  const config = root ? "/etc/ainka/ainkad.yaml" : join5(xdg(env.XDG_CONFIG_HOME) ?? join5(homedir(), ".config"), "ainka", "ainkad.yaml");
  return { stateDir, socket, config };
}

// src/libraryPolicyEngine.ts
function summarize(p) {
  return { name: p.name, mode: p.mode, source: p.file, rules: p.rules.map((r) => ({ name: r.name, description: r.description || r.whenText, enabled: true })) };
}
function condition(e) {
  return `${e.negated ? "not " : ""}${e.op} ${e.threshold}${e.for > 0 ? ` for ${e.for} s` : ""}`;
}
var LibraryPolicyEngine = class {
  policies = /* @__PURE__ */ new Map();
  engine = new RuleEngine([]);
  generator;
  ml;
  latestProcesses = [];
  constructor(ml) {
    this.ml = ml;
    this.generator = new ActionGenerator({
      processes: (m) => this.latestProcesses.filter((p) => p.comm === m.comm).map((p) => p.pid)
    });
  }
  /** The shipped pack names. */
  static packNames() {
    return Object.keys(policyPacks);
  }
  /** Load a shipped pack by name. */
  loadPack(name2) {
    if (!(name2 in policyPacks)) {
      throw new DaemonError("ERR_AINKA_DAEMON_CONFIG_INVALID", `unknown policy pack ${name2} in policy.packs; use one of ${Object.keys(policyPacks).join(", ")}`);
    }
    const p = loadPolicyPack(name2);
    this.policies.set(p.name, p);
    this.recompile();
    return [summarize(p)];
  }
  list() {
    return [...this.policies.values()].map(summarize);
  }
  /** The loaded policies (for the kernel policy cache). */
  loaded() {
    return [...this.policies.values()];
  }
  validate(text2, source) {
    const r = checkPolicy(text2, { file: source });
    const errors = r.issues.filter((i) => i.severity === "error").map(formatIssue);
    return { valid: errors.length === 0 && r.policy !== void 0, errors, policies: r.policy !== void 0 ? [summarize(r.policy)] : [] };
  }
  load(text2, source) {
    let p;
    try {
      p = parsePolicy(text2, { file: source });
    } catch (err) {
      const issues = err.issues ?? [];
      const detail = issues.length > 0 ? issues.map(formatIssue).join("\n  ") : err.message;
      throw new DaemonError("ERR_AINKA_DAEMON_POLICY_INVALID", `policy ${source} is invalid:
  ${detail}
fix it and run \`ainka policy validate\` again.`, { cause: err });
    }
    this.policies.set(p.name, p);
    this.recompile();
    return [summarize(p)];
  }
  recompile() {
    this.engine = new RuleEngine([...this.policies.values()]);
  }
  evaluate(ctx) {
    if (this.policies.size === 0) return [];
    const frame = this.engine.frame();
    for (const [key, l] of ctx.latest) frame.set(key, l.value);
    for (const [name2, list] of ctx.byName) {
      if (!ctx.latest.has(name2)) {
        let s = 0;
        for (const x of list) s += x.value;
        frame.set(name2, s);
      }
    }
    this.latestProcesses = (ctx.byName.get("process.cpu_cores") ?? []).map((s) => ({ pid: Number(s.labels?.pid), comm: s.labels?.comm ?? "" }));
    const ectx = { anomalyScore: (m) => this.ml.anomalyScore(m), forecast: (m, h) => this.ml.forecast(m, h) };
    const hits = this.engine.evaluate(frame, ctx.now, ectx);
    if (hits.length === 0) return [];
    const plan = this.generator.generate(hits, ctx.now);
    return plan.actions.map((a) => ({
      policy: a.policy,
      rule: a.reason,
      knob: a.knob,
      value: a.value,
      mode: a.mode,
      because: a.because,
      evidence: a.evidence.map((e) => ({ series: e.subject, value: e.value, condition: condition(e) }))
    }));
  }
};
var CompositePolicyEngine = class {
  constructor(builtin, library) {
    this.builtin = builtin;
    this.library = library;
  }
  builtin;
  library;
  pick(text2) {
    return /^\s*(apiVersion|kind)\s*:/m.test(text2) ? this.library : this.builtin;
  }
  list() {
    return [...this.builtin.list(), ...this.library.list()];
  }
  validate(text2, source) {
    return this.pick(text2).validate(text2, source);
  }
  load(text2, source) {
    return this.pick(text2).load(text2, source);
  }
  evaluate(ctx) {
    const a = this.builtin.evaluate(ctx);
    const b = this.library.evaluate(ctx);
    if (b.length === 0) return a;
    const knobs = new Set(a.map((d2) => d2.knob));
    return [...a, ...b.filter((d2) => !knobs.has(d2.knob))];
  }
};

// src/policySet.ts
import { parse as parseYaml2 } from "yaml";
import { z as z3 } from "zod";

// src/builtinRules.ts
var MiB2 = 1024 * 1024;
function fmt(v, unit = "") {
  if (unit === "bytes") return v >= MiB2 ? `${(v / MiB2).toFixed(0)} MiB` : `${v.toFixed(0)} B`;
  if (unit === "ratio") return `${(v * 100).toFixed(0)}%`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
function ev(s, condition2) {
  return { series: seriesKey(s), value: s.value, condition: condition2 };
}
var builtinRules = [
  {
    id: "cpu-saturation",
    description: "All CPUs busy for a while and a few processes take most of it: lower their priority (nice) so interactive work keeps running.",
    defaults: { busyRatio: 0.85, forSeconds: 10, minCores: 0.5, nice: 10, maxAgeSeconds: 15, maxProcesses: 3 },
    check(ctx, p) {
      const busy = ctx.latest.get("cpu.busy_ratio");
      if (busy === void 0 || busy.value < p.busyRatio) return void 0;
      if (!ctx.windows.held("cpu.busy_ratio", ctx.now - p.forSeconds * 1e3, (v) => v >= p.busyRatio)) return void 0;
      const procs = (ctx.byName.get("process.cpu_cores") ?? []).filter((s) => ctx.now - s.t <= p.maxAgeSeconds * 1e3);
      const top = procs.filter((s) => s.value >= p.minCores && s.labels?.pid !== void 0 && s.labels.pid !== String(process.pid)).sort((a, b) => b.value - a.value).slice(0, p.maxProcesses);
      const psi2 = ctx.latest.get("psi.cpu.some_avg10");
      return top.map((s, rank2) => {
        const pid = s.labels?.pid;
        const evidence = [ev(busy, `>= ${fmt(p.busyRatio, "ratio")} for ${p.forSeconds} s`), ev(s, `CPU consumer #${rank2 + 1}, >= ${p.minCores} cores`)];
        if (psi2 !== void 0) evidence.push(ev(psi2, "CPU pressure (PSI some avg10, %)"));
        return {
          knob: `process:${pid}:nice`,
          value: String(p.nice),
          because: `CPU busy ${fmt(busy.value, "ratio")} for ${p.forSeconds} s and ${s.labels?.comm ?? "pid " + pid} (pid ${pid}) uses ${fmt(s.value)} cores`,
          evidence
        };
      });
    }
  },
  {
    id: "memory-growth",
    description: "A cgroup's memory grows fast: cap it with memory.high a little above its current use, so it reclaims instead of pushing the host into the OOM killer.",
    defaults: { growBytes: 128 * MiB2, windowSeconds: 20, headroom: 1.25 },
    check(ctx, p) {
      let best;
      for (const s of ctx.byName.get("cgroup.memory_current_bytes") ?? []) {
        const cg2 = s.labels?.cgroup;
        if (cg2 === void 0 || cg2 === "/" || cg2 === "") continue;
        const pts = ctx.windows.points(seriesKey(s), ctx.now - p.windowSeconds * 1e3);
        if (pts.length < 2) continue;
        const grew = s.value - Math.min(...pts.map((x) => x.value));
        if (grew >= p.growBytes && (best === void 0 || grew > best.grew)) best = { s, grew };
      }
      if (best === void 0) return void 0;
      const cg = (best.s.labels?.cgroup).replace(/^\/+/, "");
      const target2 = Math.ceil(best.s.value * p.headroom / 4096) * 4096;
      return {
        knob: `cgroup:${cg}:memory.high`,
        value: String(target2),
        because: `cgroup ${cg} grew by ${fmt(best.grew, "bytes")} in ${p.windowSeconds} s to ${fmt(best.s.value, "bytes")}`,
        evidence: [ev(best.s, `grew >= ${fmt(p.growBytes, "bytes")} in ${p.windowSeconds} s`)]
      };
    }
  },
  {
    id: "writeback-pressure",
    description: "Lots of dirty page cache builds up: start background writeback earlier (vm.dirty_background_ratio) so writers do not stall in bursts.",
    defaults: { dirtyBytes: 256 * MiB2, forSeconds: 3, ratio: 5 },
    check(ctx, p) {
      const dirty = ctx.latest.get("mem.dirty_bytes");
      if (dirty === void 0 || dirty.value < p.dirtyBytes) return void 0;
      if (!ctx.windows.held("mem.dirty_bytes", ctx.now - p.forSeconds * 1e3, (v) => v >= p.dirtyBytes)) return void 0;
      const evidence = [ev(dirty, `>= ${fmt(p.dirtyBytes, "bytes")} for ${p.forSeconds} s`)];
      const writers2 = (ctx.byName.get("disk.write_bytes_per_second") ?? []).slice().sort((a, b) => b.value - a.value);
      if (writers2[0] !== void 0) evidence.push(ev(writers2[0], "busiest disk, write throughput (bytes/s)"));
      return {
        knob: "sysctl:vm.dirty_background_ratio",
        value: String(p.ratio),
        because: `${fmt(dirty.value, "bytes")} of dirty page cache for ${p.forSeconds} s: earlier background writeback spreads the writes out`,
        evidence
      };
    }
  },
  {
    id: "memory-pressure",
    description: "Tasks stall on memory (PSI): widen the watermark gap so kswapd reclaims earlier instead of tasks reclaiming directly.",
    defaults: { someAvg10: 10, forSeconds: 10, watermarkScaleFactor: 100 },
    check(ctx, p) {
      const psi2 = ctx.latest.get("psi.memory.some_avg10");
      if (psi2 === void 0 || psi2.value < p.someAvg10) return void 0;
      if (!ctx.windows.held("psi.memory.some_avg10", ctx.now - p.forSeconds * 1e3, (v) => v >= p.someAvg10)) return void 0;
      const evidence = [ev(psi2, `>= ${p.someAvg10}% for ${p.forSeconds} s`)];
      const stalls = ctx.latest.get("vm.alloc_stalls_per_second");
      if (stalls !== void 0) evidence.push(ev(stalls, "direct-reclaim allocation stalls per second"));
      return {
        knob: "sysctl:vm.watermark_scale_factor",
        value: String(p.watermarkScaleFactor),
        because: `memory pressure ${fmt(psi2.value)}% (PSI some avg10) for ${p.forSeconds} s`,
        evidence
      };
    }
  }
];

// src/policySet.ts
var ruleIds = builtinRules.map((r) => r.id);
var policyFileSchema = z3.object({
  name: z3.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes"),
  description: z3.string().optional(),
  mode: z3.enum(["advise", "enforce"]).default("advise"),
  rules: z3.array(
    z3.object({
      use: z3.enum(ruleIds),
      enabled: z3.boolean().default(true),
      params: z3.record(z3.string(), z3.number()).default({})
    }).strict()
  ).min(1)
}).strict();
function parseDocs(text2, source) {
  let data;
  try {
    data = parseYaml2(text2);
  } catch (err) {
    return { policies: [], errors: [`${source}: not valid YAML: ${err.message}`] };
  }
  const items = Array.isArray(data) ? data : [data];
  const policies = [];
  const errors = [];
  items.forEach((item, i) => {
    const r = policyFileSchema.safeParse(item);
    const where = items.length > 1 ? `${source}[${i}]` : source;
    if (!r.success) {
      for (const issue of r.error.issues) errors.push(`${where}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
      return;
    }
    const rules = [];
    for (const [j, rr] of r.data.rules.entries()) {
      const rule2 = builtinRules.find((b) => b.id === rr.use);
      for (const k of Object.keys(rr.params)) {
        if (!(k in rule2.defaults)) errors.push(`${where}: rules.${j}.params.${k}: unknown parameter of ${rule2.id}; known: ${Object.keys(rule2.defaults).join(", ")}`);
      }
      rules.push({ rule: rule2, enabled: rr.enabled, params: { ...rule2.defaults, ...rr.params } });
    }
    policies.push({ name: r.data.name, mode: r.data.mode, source, rules });
  });
  return { policies, errors };
}
function summarize2(p) {
  return { name: p.name, mode: p.mode, source: p.source, rules: p.rules.map((r) => ({ name: r.rule.id, description: r.rule.description, enabled: r.enabled })) };
}
function builtinPolicyYaml() {
  return [
    "name: builtin",
    "description: AINKA built-in policy pack",
    "mode: advise",
    "rules:",
    ...builtinRules.map((r) => `  - use: ${r.id}`),
    ""
  ].join("\n");
}
var BuiltinPolicyEngine = class {
  policies = /* @__PURE__ */ new Map();
  list() {
    return [...this.policies.values()].map(summarize2);
  }
  validate(text2, source) {
    const { policies, errors } = parseDocs(text2, source);
    return { valid: errors.length === 0, errors, policies: policies.map(summarize2) };
  }
  load(text2, source) {
    const { policies, errors } = parseDocs(text2, source);
    if (errors.length > 0) throw new DaemonError("ERR_AINKA_DAEMON_POLICY_INVALID", `policy ${source} is invalid:
  ${errors.join("\n  ")}
fix it and run \`ainka policy validate\` again.`);
    for (const p of policies) this.policies.set(p.name, p);
    return policies.map(summarize2);
  }
  evaluate(ctx) {
    const out = [];
    for (const p of this.policies.values()) {
      for (const r of p.rules) {
        if (!r.enabled) continue;
        const hit = r.rule.check(ctx, r.params);
        if (hit === void 0) continue;
        for (const h of Array.isArray(hit) ? hit : [hit]) out.push({ policy: p.name, rule: r.rule.id, mode: p.mode, ...h });
      }
    }
    return out;
  }
};

// src/replay.ts
import { createWriteStream, readFileSync as readFileSync4 } from "fs";
var ReplaySource = class {
  id = "replay";
  ticks;
  i = 0;
  loop;
  /** Set once the recording ran out (and `loop` is off). */
  ended = false;
  constructor(path, loop) {
    let text2;
    try {
      text2 = readFileSync4(path, "utf8");
    } catch (err) {
      throw new DaemonError("ERR_AINKA_DAEMON_CONFIG_INVALID", `cannot read the recording ${path} (telemetry.replay): ${err.message}; record one with \`ainkad record --out ${path}\`.`);
    }
    this.ticks = text2.split("\n").filter((l) => l.trim() !== "").map((l, n) => {
      try {
        return JSON.parse(l);
      } catch {
        throw new DaemonError("ERR_AINKA_DAEMON_CONFIG_INVALID", `${path}:${n + 1} is not a recorded tick (JSON); re-record it with \`ainkad record\`.`);
      }
    });
    this.loop = loop;
  }
  /** Number of recorded ticks. */
  get length() {
    return this.ticks.length;
  }
  collect(ctx) {
    if (this.i >= this.ticks.length) {
      if (!this.loop || this.ticks.length === 0) {
        this.ended = true;
        return [];
      }
      this.i = 0;
    }
    const tick = this.ticks[this.i++];
    return tick.s.map(([name2, labels, value, unit]) => labels === null ? { name: name2, value, unit, timestamp: ctx.now } : { name: name2, labels, value, unit, timestamp: ctx.now });
  }
};
function recordBatches(batches$, path) {
  const out = createWriteStream(path, { flags: "w" });
  let n = 0;
  const sub = batches$.subscribe((b) => {
    const line = { t: b.timestamp, s: b.samples.map((s) => [s.name, s.labels === void 0 ? null : { ...s.labels }, s.value, s.unit]) };
    out.write(`${JSON.stringify(line)}
`);
    n++;
  });
  return {
    stop: () => new Promise((resolve3) => {
      sub.unsubscribe();
      out.end(() => resolve3(n));
    })
  };
}

// src/seriesWindow.ts
var SeriesWindows = class {
  capacity;
  rings = /* @__PURE__ */ new Map();
  constructor(capacity) {
    this.capacity = capacity;
  }
  /** Append one point. */
  push(key, t, v) {
    let r = this.rings.get(key);
    if (r === void 0) {
      r = { t: new Float64Array(this.capacity), v: new Float64Array(this.capacity), n: 0 };
      this.rings.set(key, r);
    }
    const i = r.n % this.capacity;
    r.t[i] = t;
    r.v[i] = v;
    r.n++;
  }
  /** Latest value, or undefined. */
  last(key) {
    const r = this.rings.get(key);
    if (r === void 0 || r.n === 0) return void 0;
    return r.v[(r.n - 1) % this.capacity];
  }
  /** Points (oldest first), optionally only those at or after `since` (ms). */
  points(key, since = Number.NEGATIVE_INFINITY) {
    const r = this.rings.get(key);
    if (r === void 0) return [];
    const m = Math.min(r.n, this.capacity);
    const out = [];
    for (let k = r.n - m; k < r.n; k++) {
      const i = k % this.capacity;
      const t = r.t[i];
      if (t >= since) out.push({ t, value: r.v[i] });
    }
    return out;
  }
  /** Values only, oldest first, at most `n`. */
  values(key, n = this.capacity) {
    const p = this.points(key);
    return p.slice(Math.max(0, p.length - n)).map((x) => x.value);
  }
  /** True when every point since `since` satisfies `pred` and the points cover the span. */
  held(key, since, pred) {
    const r = this.rings.get(key);
    if (r === void 0 || r.n === 0) return false;
    const m = Math.min(r.n, this.capacity);
    let coveredFrom = Number.POSITIVE_INFINITY;
    for (let k = r.n - 1; k >= r.n - m; k--) {
      const i = k % this.capacity;
      const t = r.t[i];
      if (!pred(r.v[i])) return false;
      coveredFrom = t;
      if (t <= since) return true;
    }
    return coveredFrom <= since;
  }
  /** Every series key. */
  keys() {
    return this.rings.keys();
  }
  /** Number of series. */
  get size() {
    return this.rings.size;
  }
};

// src/version.ts
var version = "0.1.0";

// src/daemon.ts
var wallNow = () => performance3.timeOrigin + performance3.now();
var Daemon = class {
  config;
  stateDir;
  socketPath;
  log;
  windows;
  anomalies;
  policy;
  fast;
  deep;
  startedAt = Date.now();
  events;
  latest = /* @__PURE__ */ new Map();
  byName = /* @__PURE__ */ new Map();
  collector;
  replay;
  history;
  actions;
  alerts;
  optional;
  /** The immediate layer (the kernel policy cache), when the module is loaded and could be opened. */
  immediate;
  immediateProblem;
  sub;
  timers = [];
  forecasts = /* @__PURE__ */ new Map();
  ticks = 0;
  lastSampleCount = 0;
  /** (tick time, samples) of recent ticks, for the series/s rate. */
  recentTicks = [];
  stopping = false;
  /** Counters exported on /metrics. */
  counters = { anomalies: 0, actions: /* @__PURE__ */ new Map(), fastOverBudget: 0, deepOverBudget: 0, tickErrors: 0, kernelDecisions: /* @__PURE__ */ new Map() };
  constructor(config, log, events = {}) {
    this.config = config;
    this.log = log;
    this.events = events;
    const paths = defaultPaths();
    this.stateDir = resolve(config.stateDir ?? paths.stateDir);
    this.socketPath = resolve(config.api.socket ?? paths.socket);
    this.windows = new SeriesWindows(config.ml.windowPoints);
    const warmup = config.ml.anomaly.warmup;
    this.anomalies = new AnomalyStage({
      factory: () => new StreamingAnomalyDetector({ warmup }),
      threshold: config.ml.anomaly.threshold,
      maxSeries: config.ml.anomaly.maxSeries,
      exclude: config.ml.anomaly.exclude
    });
    this.policy = new CompositePolicyEngine(
      new BuiltinPolicyEngine(),
      new LibraryPolicyEngine({ anomalyScore: (k) => this.anomalies.score(k), forecast: (k, h) => this.forecastAt(k, h) })
    );
    this.fast = new LatencyHistogram(config.layers.fastBudgetMs);
    this.deep = new LatencyHistogram(config.layers.deepBudgetMs, 256);
  }
  /** Where applied policies are kept. */
  get policyDir() {
    return join6(this.stateDir, "policies");
  }
  /** Start everything; resolves once the first tick is scheduled. */
  async start() {
    const c = this.config;
    mkdirSync4(this.stateDir, { recursive: true, mode: 488 });
    mkdirSync4(this.policyDir, { recursive: true, mode: 488 });
    this.loadPolicies();
    this.optional = await probeOptionalPaths(c.kernel.module, c.telemetry.ebpf);
    for (const cap of [this.optional.kernel, this.optional.ebpf]) {
      if (!cap.available) this.log.warn({ capability: cap.id, reason: cap.reason }, `${cap.id} unavailable: ${cap.reason ?? "unknown reason"}; continuing with procfs telemetry`);
    }
    let sources;
    if (c.telemetry.replay !== null) {
      this.replay = new ReplaySource(c.telemetry.replay, c.telemetry.replayLoop);
      sources = [this.replay];
      this.log.info({ replay: c.telemetry.replay, ticks: this.replay.length }, `replaying ${this.replay.length} recorded ticks from ${c.telemetry.replay}`);
    } else {
      sources = createDefaultSources({
        root: c.telemetry.procRoot,
        processes: c.telemetry.processes.enabled ? { topN: c.telemetry.processes.topN, minIntervalMs: c.telemetry.processes.intervalMs } : false,
        cgroups: c.telemetry.cgroups.enabled ? { maxDepth: c.telemetry.cgroups.maxDepth, maxCgroups: c.telemetry.cgroups.maxCgroups } : false
      });
      sources.push(...this.optional.sources);
    }
    this.collector = new MetricsCollector({ sources, intervalMs: c.telemetry.intervalMs });
    if (c.history.enabled) {
      this.history = new DaemonHistory({
        path: join6(this.stateDir, "history.db"),
        retentionMs: c.history.retentionHours * 36e5,
        maxBytes: c.history.maxMegabytes * 1024 * 1024,
        flushIntervalMs: c.history.flushIntervalMs
      });
    }
    const applyDelay = Number(process.env.AINKA_TEST_APPLY_DELAY_MS ?? 0);
    this.actions = await ActionStage.open({
      stateDir: this.stateDir,
      root: c.root,
      mode: c.mode,
      rollbackOnExit: c.actions.rollbackOnExit,
      recovery: c.actions.recovery,
      maxPerMinute: c.actions.maxPerMinute,
      cooldownMs: c.actions.cooldownSeconds * 1e3,
      log: (line) => this.log.info({ event: "change" }, line),
      ...applyDelay > 0 ? { applyDelayMs: applyDelay } : {}
    });
    const rec = this.actions.manager.recovery;
    if (rec.reverted.length + rec.completed.length + rec.rolledBackSessions.length > 0) {
      this.log.warn({ recovery: rec }, `recovered from the journal: reverted batches [${rec.reverted.join(", ")}], completed [${rec.completed.join(", ")}], rolled back sessions [${rec.rolledBackSessions.join(", ")}]`);
    }
    if (this.optional.kernel.available) await this.openImmediate();
    this.alerts = new AlertStage({
      logs: c.logs.enabled && c.telemetry.replay === null,
      journal: c.logs.journal,
      root: c.telemetry.procRoot,
      sink: {
        name: "log",
        send: (n) => {
          for (const a of n.alerts) this.log.info({ event: "alert", alert: { fingerprint: a.fingerprint, name: a.name, severity: a.severity, status: a.status, labels: a.labels, occurrences: a.occurrences } }, `alert ${a.status} ${a.severity} ${a.name}: ${a.summary}`);
        }
      }
    });
    this.alerts.start((d2) => this.log.warn({ event: "kernel-log", kind: d2.kind, details: d2.details }, `kernel log: ${d2.summary}`));
    this.sub = this.collector.batches$.subscribe({
      next: (b) => this.onBatch(b),
      error: (err) => this.log.error({ err: describeError(err) }, "telemetry stream failed")
    });
    this.collector.start();
    this.timers.push(setInterval(() => this.deepCycle(), c.layers.deepIntervalMs));
    this.timers.push(setInterval(() => void this.checkAdmin(), c.actions.adminCheckIntervalMs));
    for (const t of this.timers) t.unref();
    setTimeout(() => {
      for (const s of this.collector.status()) if (!s.available) this.log.warn({ source: s.id, code: s.code }, `collector ${s.id} unavailable: ${s.reason ?? ""}`);
    }, Math.min(2500, c.telemetry.intervalMs * 2 + 50)).unref();
    this.log.info(
      { mode: c.mode, stateDir: this.stateDir, socket: this.socketPath, root: c.root, uid: process.getuid?.() },
      `ainkad ${version} started in ${c.mode} mode (${c.mode === "advise" ? "proposes changes, writes nothing" : "applies the actions of enforce-mode policies"})`
    );
  }
  /** The immediate layer: open the module, push the kernel-compilable policies, record its events. */
  async openImmediate() {
    try {
      this.immediate = await ImmediateStage.open({
        mode: this.config.mode,
        log: this.log,
        budgetMs: this.config.layers.immediateBudgetMs,
        onDecision: (d2) => {
          const r = this.actions?.note(d2);
          if (r === void 0) return;
          this.counters.kernelDecisions.set(r.status, (this.counters.kernelDecisions.get(r.status) ?? 0) + 1);
          this.events.onAction?.(r);
        }
      });
      await this.immediate.push(this.policy.library.loaded());
      await this.immediate.poll();
    } catch (err) {
      this.immediateProblem = `the ainka module is loaded but could not be opened: ${describeError(err).message}`;
      this.log.warn({ capability: "kernel-module", reason: this.immediateProblem }, `immediate layer off: ${this.immediateProblem}`);
    }
  }
  loadPolicies() {
    if (this.config.policy.builtin) this.policy.load(builtinPolicyYaml(), "builtin");
    for (const pack of this.config.policy.packs) {
      try {
        this.policy.library.loadPack(pack);
      } catch (err) {
        this.log.error({ pack, err: describeError(err) }, `policy pack ${pack} not loaded: ${describeError(err).message}`);
      }
    }
    const files = [...this.config.policy.files];
    try {
      for (const f of readdirSync3(this.policyDir).sort()) if (/\.ya?ml$/.test(f)) files.push(join6(this.policyDir, f));
    } catch {
    }
    for (const f of files) {
      try {
        this.policy.load(readFileSync5(f, "utf8"), f);
      } catch (err) {
        this.log.error({ file: f, err: describeError(err) }, `policy ${f} not loaded: ${describeError(err).message}`);
      }
    }
  }
  /** Validate, store under `<stateDir>/policies/<name>.yaml` and load a policy document. */
  applyPolicy(text2, source) {
    const loaded = this.policy.load(text2, source);
    for (const p of loaded) {
      writeFileSync2(join6(this.policyDir, `${p.name}.yaml`), text2, { mode: 416 });
      this.log.info({ policy: p.name, mode: p.mode, source }, `policy ${p.name} applied (${p.mode} mode, ${p.rules.length} rules)`);
    }
    void this.immediate?.push(this.policy.library.loaded());
    return loaded;
  }
  /** The fast layer: runs on every tick, from samples to decisions. */
  onBatch(batch) {
    if (this.stopping) return;
    try {
      this.ticks++;
      this.lastSampleCount = batch.samples.length;
      this.recentTicks.push({ t: batch.timestamp, n: batch.samples.length });
      while (this.recentTicks.length > 0 && batch.timestamp - this.recentTicks[0].t > 1e4) this.recentTicks.shift();
      const t = batch.timestamp;
      const byName2 = this.byName;
      const detect = this.config.ml.anomaly.enabled;
      for (const s of batch.samples) {
        const key = seriesKey(s);
        let l = this.latest.get(key);
        if (l === void 0) {
          l = { name: s.name, labels: s.labels, unit: s.unit, value: s.value, t };
          this.latest.set(key, l);
          let list = byName2.get(s.name);
          if (list === void 0) byName2.set(s.name, list = []);
          list.push(l);
        } else {
          l.value = s.value;
          l.t = t;
        }
        this.windows.push(key, t, s.value);
        if (detect) {
          const opened = this.anomalies.update(key, s.name, t, s.value);
          if (opened !== void 0) {
            this.counters.anomalies++;
            this.log.info({ event: "anomaly", anomaly: opened }, `anomaly ${opened.id} on ${opened.series}: ${opened.reason}`);
            this.alerts.anomaly(opened, this.windows.points(key).slice(-10));
            this.events.onAnomaly?.(opened);
          }
        }
      }
      if (this.ticks % 64 === 0) this.forgetStale(t - 6e5);
      for (const m of summedMetrics) {
        const v = sumOf(byName2, m);
        if (v !== void 0) this.windows.push(`sum(${m})`, t, v);
      }
      this.history?.write(batch.samples);
      const ctx = {
        now: t,
        windows: this.windows,
        latest: this.latest,
        byName: byName2,
        isAnomalous: (k) => this.anomalies.isActive(k)
      };
      const decisions = this.policy.evaluate(ctx);
      const fastMs = Math.max(0, wallNow() - t);
      if (this.fast.observe(fastMs)) {
        this.counters.fastOverBudget++;
        this.log.warn({ layer: "fast", ms: fastMs, budgetMs: this.fast.budgetMs }, `fast layer over budget: ${fastMs.toFixed(1)} ms from sample to decision`);
      }
      this.events.onTick?.(batch, fastMs);
      if (decisions.length > 0 && !this.actions.inFlight) {
        void this.actions.handle(decisions, t, fastMs).then(
          (records) => {
            for (const r of records) {
              this.counters.actions.set(r.status, (this.counters.actions.get(r.status) ?? 0) + 1);
              this.log.info({ event: "action", action: { id: r.id, policy: r.policy, rule: r.rule, knob: r.knob, value: r.value, before: r.before, status: r.status, mode: r.mode, evidence: r.evidence, changeId: r.changeId, at: r.at, latencyMs: r.latencyMs } }, r.line);
              this.events.onAction?.(r);
            }
          },
          (err) => this.log.error({ err: describeError(err) }, `actions failed: ${describeError(err).message}`)
        );
      }
      if (this.replay?.ended === true && this.ticks % 50 === 0) this.log.info("replay finished; waiting (set telemetry.replayLoop to loop)");
    } catch (err) {
      this.counters.tickErrors++;
      this.log.error({ err: describeError(err) }, `tick failed: ${describeError(err).message}`);
    }
  }
  forgetStale(before) {
    let removed = false;
    for (const [key, l] of this.latest) {
      if (l.t < before) {
        this.latest.delete(key);
        removed = true;
      }
    }
    if (!removed) return;
    for (const [name2, list] of this.byName) {
      const kept = list.filter((l) => l.t >= before);
      if (kept.length === 0) this.byName.delete(name2);
      else this.byName.set(name2, kept);
    }
  }
  /** The deep layer: refit forecasts and capacity estimates of the headline series. */
  deepCycle() {
    const start = performance3.now();
    const horizon = this.config.ml.forecastHorizonSeconds;
    for (const key of headlineSeries) {
      const pts = this.windows.points(key);
      if (pts.length < 10) continue;
      try {
        this.forecasts.set(key, forecastSeries(key, key.replace(/^sum\((.*)\)$/, "$1"), pts, horizon));
      } catch (err) {
        this.log.debug({ err: describeError(err), series: key }, "forecast failed");
      }
    }
    const ms = performance3.now() - start;
    if (this.deep.observe(ms)) {
      this.counters.deepOverBudget++;
      this.log.warn({ layer: "deep", ms }, `deep layer over budget: ${ms.toFixed(0)} ms`);
    }
    this.events.onDeep?.(ms);
    return ms;
  }
  async checkAdmin() {
    try {
      await this.actions.manager.checkAdminWrites();
    } catch (err) {
      this.log.warn({ err: describeError(err) }, "admin-write check failed");
    }
  }
  /** The deep layer's forecast of a series `horizonSeconds` ahead (for policy conditions). */
  forecastAt(key, horizonSeconds) {
    const f = this.forecasts.get(key);
    if (f === void 0 || f.points.length === 0) return void 0;
    const target2 = (this.windows.points(key).at(-1)?.t ?? Date.now()) + horizonSeconds * 1e3;
    return (f.points.find((p) => p.t >= target2) ?? f.points[f.points.length - 1])?.value;
  }
  /** A forecast of one series or metric (on demand, from the in-memory window). */
  forecast(series) {
    const cached = this.forecasts.get(series);
    if (cached !== void 0) return cached;
    let key = series;
    if (this.windows.points(key).length === 0) {
      const first = this.byName.get(series)?.[0];
      if (first !== void 0) key = seriesKey(first);
    }
    const name2 = key.replace(/^sum\((.*)\)$/, "$1").replace(/\{.*$/, "");
    return forecastSeries(key, name2, this.windows.points(key), this.config.ml.forecastHorizonSeconds);
  }
  /** History of a series or metric from the SQLite store. */
  historyOf(series, since) {
    if (this.history === void 0) return { series: [] };
    return this.history.query(series, since);
  }
  /** The three decision layers and their latency. */
  layers() {
    const k = this.optional?.kernel;
    const im = this.immediate;
    return [
      im !== void 0 ? { name: "immediate", available: true, latency: im.summary(), rules: im.ruleCount } : { name: "immediate", available: false, reason: this.immediateProblem ?? k?.reason ?? "not probed yet", latency: null },
      { name: "fast", available: true, latency: this.fast.summary() },
      { name: "deep", available: true, latency: this.deep.summary() }
    ];
  }
  /** Capabilities: optional kernel paths and every collector. */
  capabilities() {
    const out = [];
    if (this.optional !== void 0) out.push(this.optional.kernel, this.optional.ebpf);
    if (this.alerts !== void 0) out.push(...this.alerts.status());
    for (const s of this.collector?.status() ?? []) out.push(s.available ? { id: `collector:${s.id}`, available: true } : { id: `collector:${s.id}`, available: false, reason: s.reason ?? "unknown" });
    return out;
  }
  /** The `status` API result. */
  status(metricsUrl) {
    const now = Date.now();
    return {
      pid: process.pid,
      version,
      uptimeSeconds: Math.round((now - this.startedAt) / 1e3),
      mode: this.config.mode,
      stateDir: this.stateDir,
      socket: this.socketPath,
      metricsUrl,
      source: this.replay === void 0 ? "live" : "replay",
      ticks: this.ticks,
      series: this.windows.size,
      detectors: this.anomalies.detectorCount,
      seriesPerSecond: this.seriesRate(),
      rssBytes: process.memoryUsage.rss(),
      layers: this.layers(),
      capabilities: this.capabilities(),
      policies: this.policy.list().length,
      activeAnomalies: this.anomalies.activeRecords().length,
      pendingAdvice: this.actions?.advice(now).length ?? 0,
      managedKnobs: this.actions?.manager.managed().length ?? 0,
      recovery: this.actions?.manager.recovery ?? { reverted: [], completed: [], rolledBackSessions: [] }
    };
  }
  /** Samples per second over the last 10 s of ticks (slow sources included). */
  seriesRate() {
    const r = this.recentTicks;
    if (r.length === 0) return 0;
    const span = Math.max(this.config.telemetry.intervalMs, r[r.length - 1].t - r[0].t + this.config.telemetry.intervalMs);
    let n = 0;
    for (const x of r) n += x.n;
    return Math.round(n * 1e3 / span);
  }
  /** Latest value of a headline series. */
  headlineValue(key) {
    return this.windows.last(key);
  }
  /** Everything `ainka top` draws. */
  snapshot(metricsUrl) {
    const headline = {};
    const trends = {};
    for (const k of headlineSeries) {
      const v = this.windows.last(k);
      if (v !== void 0) headline[k] = v;
      trends[k] = this.windows.values(k, 60);
    }
    const fresh = Date.now() - 3 * this.config.telemetry.processes.intervalMs;
    const procs = (this.byName.get("process.cpu_cores") ?? []).filter((s) => s.t >= fresh).map((s) => ({
      pid: s.labels?.pid ?? "?",
      comm: s.labels?.comm ?? "?",
      cores: s.value,
      rssBytes: this.latest.get(seriesKey({ name: "process.rss_bytes", labels: s.labels }))?.value ?? 0
    })).sort((a, b) => b.cores - a.cores).slice(0, 8);
    return {
      status: this.status(metricsUrl),
      headline,
      trends,
      anomalies: this.anomalies.activeRecords().slice(0, 20),
      advice: this.actions.advice(Date.now()).slice(0, 20),
      processes: procs
    };
  }
  /** Every collector's availability (for /metrics). */
  sourceStatus() {
    return this.collector?.status() ?? [];
  }
  /** Latest samples (for /metrics). */
  latestSamples() {
    return this.latest;
  }
  /** Stop: collectors, timers, journal session (rollback-on-exit when configured), history. */
  async stop(reason) {
    if (this.stopping) return;
    this.stopping = true;
    this.log.info({ reason }, `stopping (${reason})`);
    for (const t of this.timers) clearInterval(t);
    this.sub?.unsubscribe();
    this.collector?.close();
    this.optional?.close();
    await this.immediate?.close();
    this.alerts?.close();
    if (this.actions !== void 0) {
      try {
        await this.actions.close();
      } catch (err) {
        this.log.error({ err: describeError(err) }, `journal close failed: ${describeError(err).message}`);
      }
      this.log.info({ summary: this.actions.manager.summary() }, this.actions.manager.summary().split("\n").join("; "));
    }
    try {
      this.history?.close();
    } catch (err) {
      this.log.error({ err: describeError(err) }, "history close failed");
    }
  }
};

// src/installService.ts
import { execFileSync } from "child_process";
import { existsSync as existsSync3, mkdirSync as mkdirSync5, readFileSync as readFileSync6, writeFileSync as writeFileSync3 } from "fs";
import { dirname as dirname4, join as join7, resolve as resolve2 } from "path";
import { fileURLToPath } from "url";
function renderUnit(configPath) {
  const here = dirname4(fileURLToPath(import.meta.url));
  const unit = readFileSync6(resolve2(here, "..", "systemd", "ainkad.service"), "utf8");
  const main = resolve2(here, "main.js");
  return unit.replace(/^ExecStart=.*$/m, `ExecStart=${process.execPath} --max-semi-space-size=2 ${main} --config ${configPath}`);
}
function installService(o) {
  const configPath = join7(o.configDir, "ainkad.yaml");
  const unitPath = join7(o.unitDir, "ainkad.service");
  const unit = renderUnit(configPath);
  if (o.dryRun) {
    o.log(`would write ${unitPath}:
${unit}`);
    if (!existsSync3(configPath)) o.log(`would write ${configPath} (the default config)`);
    return;
  }
  mkdirSync5(o.unitDir, { recursive: true });
  writeFileSync3(unitPath, unit, { mode: 420 });
  o.log(`wrote ${unitPath}`);
  if (!existsSync3(configPath)) {
    mkdirSync5(o.configDir, { recursive: true, mode: 493 });
    writeFileSync3(configPath, defaultConfigYaml(), { mode: 420 });
    o.log(`wrote ${configPath} (defaults: advise mode)`);
  } else {
    o.log(`kept ${configPath}`);
  }
  const hasSystemd = existsSync3("/run/systemd/system");
  if (o.reload || o.enable) {
    if (!hasSystemd) {
      o.log("systemd is not running here: skipped daemon-reload/enable; run `systemctl daemon-reload && systemctl enable --now ainkad` on the target.");
      return;
    }
    execFileSync("systemctl", ["daemon-reload"], { stdio: "inherit" });
    o.log("ran systemctl daemon-reload");
    if (o.enable) {
      execFileSync("systemctl", ["enable", "--now", "ainkad.service"], { stdio: "inherit" });
      o.log("enabled and started ainkad.service");
    } else {
      o.log("start it with: systemctl enable --now ainkad");
    }
  }
}

// src/liveView.ts
function bytes(v) {
  if (v === void 0) return "-";
  const u = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${u[i]}`;
}
function pct(v) {
  return v === void 0 ? "-" : `${(v * 100).toFixed(0)}%`;
}
function num2(v, d2 = 1) {
  return v === void 0 ? "-" : v.toFixed(d2);
}
var LiveView = class {
  constructor(d2, out = process.stderr) {
    this.d = d2;
    this.out = out;
  }
  d;
  out;
  timer;
  /** Print the header (what works, what is missing and why). */
  header(metricsUrl) {
    const s = this.d.status(metricsUrl);
    const w = (l) => this.out.write(`${l}
`);
    w(`ainkad ${s.version} \u2014 ${s.mode} mode (${s.mode === "advise" ? "nothing is written; advice is shown below" : "enforce-mode policies are applied"}), pid ${s.pid}`);
    w(`  state ${s.stateDir}   socket ${s.socket}   metrics ${metricsUrl ?? "off"}`);
    for (const l of s.layers) w(`  layer ${l.name.padEnd(9)} ${l.available ? `on${l.rules !== void 0 ? ` (${l.rules} rules in the kernel policy cache)` : ""}` : `off \u2014 ${l.reason ?? ""}`}`);
    for (const c of s.capabilities) if (!c.available) w(`  missing: ${c.id} \u2014 ${c.reason ?? ""}`);
    w("  try: ainka status | ainka top | ainka advise   (Ctrl-C stops; changes are rolled back on exit when enabled)");
  }
  /** One summary line per interval. */
  start(intervalMs, metricsUrl) {
    this.timer = setInterval(() => this.summary(metricsUrl()), intervalMs);
    this.timer.unref();
  }
  summary(metricsUrl) {
    const s = this.d.status(metricsUrl);
    const v = (k) => this.d.headlineValue(k);
    const fast = s.layers.find((l) => l.name === "fast")?.latency;
    const deep = s.layers.find((l) => l.name === "deep")?.latency;
    const imm = s.layers.find((l) => l.name === "immediate")?.latency;
    const immText = imm != null ? `immediate p99 ${num2((imm.p99 ?? 0) * 1e3, 1)} \xB5s, ` : "";
    const t = (/* @__PURE__ */ new Date()).toISOString().slice(11, 19);
    this.out.write(
      `[${t}] cpu ${pct(v("cpu.busy_ratio"))} mem ${pct(v("mem.used_ratio"))} load ${num2(v("load.avg1"), 2)} psi cpu/mem/io ${num2(v("psi.cpu.some_avg10"))}/${num2(v("psi.memory.some_avg10"))}/${num2(v("psi.io.some_avg10"))} disk r/w ${bytes(v("sum(disk.read_bytes_per_second)"))}/s ${bytes(v("sum(disk.write_bytes_per_second)"))}/s dirty ${bytes(v("mem.dirty_bytes"))} | ${s.series} series ${s.seriesPerSecond}/s, ${s.detectors} detectors, rss ${bytes(s.rssBytes)} | ${immText}fast p50/p99 ${num2(fast?.p50 ?? void 0, 2)}/${num2(fast?.p99 ?? void 0, 2)} ms, deep ${num2(deep?.p50 ?? void 0, 0)} ms | ${s.activeAnomalies} anomalies, ${s.pendingAdvice} advice
`
    );
  }
  anomaly(a) {
    this.out.write(`  ! anomaly ${a.id} ${a.series} = ${num2(a.value, 3)}${a.expected !== null ? ` (expected ~${num2(a.expected, 3)})` : ""}, score ${num2(a.score, 2)}: ${a.reason}
`);
  }
  action(r) {
    const verb = r.status === "proposed" ? "would do" : r.status.startsWith("kernel-") ? "kernel" : r.status;
    this.out.write(`  > ${verb} ${r.id}: ${r.line}
`);
    for (const e of r.evidence) this.out.write(`      evidence: ${e.series} = ${num2(e.value, 3)} (${e.condition})
`);
  }
  stop() {
    if (this.timer !== void 0) clearInterval(this.timer);
  }
};

// src/logger.ts
import { pino } from "pino";
function createLogger(level, destination = process.stdout) {
  return pino({ name: "ainkad", level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

// src/metricsServer.ts
import { createServer as createServer2 } from "http";
import { Counter as Counter2, Gauge as Gauge2 } from "prom-client";
function registerLayerHistogram(registry, layers) {
  const name2 = "ainka_decision_latency_seconds";
  const help = "Latency of the decision layers: the kernel policy cache evaluation per sample (immediate), sample to decision (fast), cycle time (deep).";
  const metric2 = {
    name: name2,
    help,
    type: "histogram",
    aggregator: "sum",
    get: () => {
      const values = [];
      for (const [layer, h] of layers()) {
        for (const b of h.cumulative()) values.push({ metricName: `${name2}_bucket`, labels: { layer, le: Number.isFinite(b.le) ? b.le / 1e3 : "+Inf" }, value: b.count });
        values.push({ metricName: `${name2}_sum`, labels: { layer }, value: h.total / 1e3 });
        values.push({ metricName: `${name2}_count`, labels: { layer }, value: h.count });
      }
      return Promise.resolve({ name: name2, help, type: "histogram", aggregator: "sum", values });
    },
    reset: () => void 0
  };
  registry.registerMetric(metric2);
}
var DaemonMetrics = class {
  constructor(d2) {
    this.d = d2;
    const registers = [this.exporter.registry];
    registerLayerHistogram(this.exporter.registry, () => {
      const out = [];
      if (d2.immediate !== void 0) out.push(["immediate", d2.immediate.latency]);
      out.push(["fast", d2.fast], ["deep", d2.deep]);
      return out;
    });
    new Gauge2({
      name: "ainka_kernel_policy_eval_seconds",
      help: "The kernel policy cache's own evaluation time per sample, from its counters (stat: last, p99 over 1024 samples, max since load).",
      labelNames: ["stat"],
      registers,
      collect() {
        this.reset();
        const c = d2.immediate?.status?.counters;
        if (c === void 0) return;
        this.set({ stat: "last" }, Number(c.evalNsLast) / 1e9);
        this.set({ stat: "p99" }, Number(c.evalNsP99) / 1e9);
        this.set({ stat: "max" }, Number(c.evalNsMax) / 1e9);
      }
    });
    new Gauge2({
      name: "ainka_kernel_policy_rules",
      help: "Rules the daemon pushed to the kernel policy cache (absent when the module is not loaded).",
      registers,
      collect() {
        this.reset();
        if (d2.immediate !== void 0) this.set(d2.immediate.ruleCount);
      }
    });
    const counter = (name2, help, labelNames, read) => new Counter2({
      name: name2,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const [labels, v] of read()) this.inc(labels, v);
      }
    });
    counter("ainka_daemon_anomalies_total", "Anomalies opened by per-series detection.", [], () => [[{}, d2.counters.anomalies]]);
    counter("ainka_daemon_actions_total", "Decisions of the fast layer, by outcome (proposed, applied, skipped, failed).", ["status"], () => [...d2.counters.actions].map(([status, n]) => [{ status }, n]));
    counter(
      "ainka_daemon_kernel_decisions_total",
      "Events of the kernel policy cache recorded as decisions, by kind (kernel-hit, kernel-request, kernel-observed, \u2026).",
      ["status"],
      () => [...d2.counters.kernelDecisions].map(([status, n]) => [{ status }, n])
    );
    counter("ainka_daemon_budget_overruns_total", "Decision-layer observations over their latency budget.", ["layer"], () => [
      [{ layer: "immediate" }, d2.immediate?.latency.summary().overBudget ?? 0],
      [{ layer: "fast" }, d2.counters.fastOverBudget],
      [{ layer: "deep" }, d2.counters.deepOverBudget]
    ]);
    const gauge = (name2, help, read) => new Gauge2({
      name: name2,
      help,
      registers,
      collect() {
        this.set(read());
      }
    });
    gauge("ainka_daemon_resident_memory_bytes", "Resident set size of ainkad.", () => process.memoryUsage.rss());
    gauge("ainka_daemon_series", "Series held in memory.", () => d2.windows.size);
    gauge("ainka_daemon_detectors", "Per-series anomaly detectors.", () => d2.anomalies.detectorCount);
  }
  d;
  exporter = new PrometheusExporter();
  /** The exposition text (the latest samples are handed to the exporter at scrape time). */
  async render() {
    const samples = [];
    for (const s of this.d.latestSamples().values()) samples.push({ name: s.name, ...s.labels !== void 0 ? { labels: s.labels } : {}, value: s.value, unit: s.unit, timestamp: s.t });
    this.exporter.update(samples);
    this.exporter.setSourceStatus(this.d.sourceStatus());
    return this.exporter.metrics();
  }
  get contentType() {
    return this.exporter.contentType;
  }
};
async function startMetricsServer(d2, host, port) {
  const metrics = new DaemonMetrics(d2);
  const server = createServer2((req, res) => {
    if (req.method === "GET" && (req.url === "/metrics" || req.url?.startsWith("/metrics?") === true)) {
      metrics.render().then(
        (text2) => {
          res.writeHead(200, { "content-type": metrics.contentType });
          res.end(text2);
        },
        (err) => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(`ainkad: metrics failed: ${String(err)}
`);
        }
      );
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("ainkad: GET /metrics\n");
  });
  await new Promise((resolve3, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve3());
  });
  const a = server.address();
  const h = a.family === "IPv6" ? `[${a.address}]` : a.address;
  return {
    url: `http://${h}:${a.port}/metrics`,
    close: () => new Promise((resolve3) => server.close(() => resolve3()))
  };
}

// src/main.ts
var EXIT = { ok: 0, config: 78, unavailable: 69, software: 70 };
function buildConfig(o) {
  let base;
  if (o.config !== void 0) base = loadDaemonConfig(o.config);
  else {
    const p = defaultPaths().config;
    base = existsSync4(p) ? loadDaemonConfig(p) : daemonConfigSchema.parse({});
  }
  const c = structuredClone(base);
  if (o.mode !== void 0) c.mode = o.mode;
  if (o.stateDir !== void 0) c.stateDir = o.stateDir;
  if (o.socket !== void 0) c.api.socket = o.socket;
  if (o.replay !== void 0) c.telemetry.replay = o.replay;
  if (o.interval !== void 0) c.telemetry.intervalMs = Number(o.interval);
  if (o.metricsPort !== void 0) c.metrics.port = Number(o.metricsPort);
  if (o.metrics === false) c.metrics.enabled = false;
  if (o.root !== void 0) c.root = o.root;
  if (o.logLevel !== void 0) c.log.level = o.logLevel;
  if (o.live === true) c.log.live = true;
  return parseDaemonConfig(c, "config with command-line overrides");
}
async function run(o) {
  if (o.printDefaultConfig === true) {
    process.stdout.write(defaultConfigYaml());
    return;
  }
  const config = buildConfig(o);
  const paths = defaultPaths();
  const stateDir = config.stateDir ?? paths.stateDir;
  mkdirSync6(stateDir, { recursive: true, mode: 488 });
  const logFile = join8(stateDir, "ainkad.log");
  const log = createLogger(config.log.level, config.log.live ? createWriteStream2(logFile, { flags: "a" }) : process.stdout);
  let live;
  const daemon = new Daemon(config, log, {
    onAnomaly: (a) => live?.anomaly(a),
    onAction: (a) => live?.action(a)
  });
  let metricsUrl = null;
  let metrics;
  let api;
  let stoppingSince = 0;
  const stop = async (reason, code) => {
    if (stoppingSince > 0) {
      if (Date.now() - stoppingSince < 2e3) return;
      process.stderr.write("ainkad: second signal, exiting now without cleanup\n");
      process.exit(130);
    }
    stoppingSince = Date.now();
    live?.stop();
    if (live !== void 0) process.stderr.write(`
ainkad: ${reason}, stopping\u2026
`);
    await api?.close().catch(() => void 0);
    await metrics?.close().catch(() => void 0);
    await daemon.stop(reason);
    if (live !== void 0) process.stderr.write(`ainkad: stopped cleanly (${daemon.actions?.manager.summary().split("\n").join("; ") ?? ""})
`);
    log.flush?.();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop("SIGINT", 0));
  process.on("SIGTERM", () => void stop("SIGTERM", 0));
  process.on("SIGHUP", () => log.info("SIGHUP ignored: restart the service to reload the config"));
  await daemon.start();
  if (config.metrics.enabled) {
    try {
      metrics = await startMetricsServer(daemon, config.metrics.host, config.metrics.port);
      metricsUrl = metrics.url;
      log.info({ url: metricsUrl }, `Prometheus metrics on ${metricsUrl}`);
    } catch (err) {
      log.warn({ err: describeError(err) }, `metrics endpoint not started (${describeError(err).message}); set metrics.port or metrics.enabled: false`);
    }
  }
  api = await ApiServer.listen(daemon.socketPath, Number.parseInt(config.api.socketMode, 8), apiHandlers(daemon, () => metricsUrl));
  log.info({ socket: daemon.socketPath }, `local API on ${daemon.socketPath}`);
  if (config.log.live) {
    process.stderr.on("error", () => {
      live?.stop();
      live = void 0;
    });
    live = new LiveView(daemon);
    live.header(metricsUrl);
    process.stderr.write(`  JSON log: ${logFile}
`);
    live.start(config.log.liveIntervalMs, () => metricsUrl);
  }
}
async function record(o) {
  const collector = new MetricsCollector({ sources: createDefaultSources({}), intervalMs: Number(o.interval) });
  const rec = recordBatches(collector.batches$, o.out);
  collector.start();
  await new Promise((r) => setTimeout(r, Number(o.seconds) * 1e3));
  collector.close();
  const n = await rec.stop();
  process.stderr.write(`recorded ${n} ticks to ${o.out}
`);
}
var program = new Command("ainkad").description("The AINKA daemon: telemetry \u2192 anomaly detection \u2192 policy \u2192 actions, advisory by default.").version(version).addHelpText("after", "\nRun options (--config, --live, --print-default-config, --mode, \u2026): ainkad run --help\nExit codes: 0 ok, 69 socket in use, 70 internal error, 78 invalid config.").showHelpAfterError();
program.command("run", { isDefault: true }).description("run the daemon (the default command)").option("-c, --config <file>", "YAML config file (default /etc/ainka/ainkad.yaml as root, else ~/.config/ainka/ainkad.yaml, if it exists)").option("--live", "show live, on the terminal, what the daemon sees and what it would do").option("--print-default-config", "print the default config, with every key documented, and exit").addOption(new Option("--mode <mode>", "advise (write nothing) or enforce (apply enforce-mode policies)").choices(["advise", "enforce"])).option("--state-dir <dir>", "state directory (history, journal, policies)").option("--socket <path>", "local API socket path").option("--replay <file>", "replay a recording instead of reading the live machine").option("--interval <ms>", "telemetry tick interval in ms").option("--metrics-port <port>", "Prometheus port on 127.0.0.1 (0 = any free port)").option("--no-metrics", "do not serve /metrics").option("--root <dir>", "root of the file tree actions write under (tests)").option("--log-level <level>", "fatal, error, warn, info, debug, trace or silent").action(async (o) => run(o));
program.command("install-service").description("install the hardened systemd unit (ainkad.service) and a default config").option("--unit-dir <dir>", "where to write the unit", "/etc/systemd/system").option("--config-dir <dir>", "where the config lives", "/etc/ainka").option("--enable", "also enable and start the service").option("--no-reload", "do not run systemctl daemon-reload").option("--dry-run", "print what would be written").action((o) => {
  installService({ unitDir: o.unitDir, configDir: o.configDir, enable: o.enable === true, reload: o.reload, dryRun: o.dryRun === true, log: (l) => process.stdout.write(`${l}
`) });
});
program.command("record").description("record the live telemetry stream to a file (JSON lines) for --replay and tests").requiredOption("--out <file>", "output file").option("--seconds <n>", "how long to record", "30").option("--interval <ms>", "tick interval", "1000").action(async (o) => record(o));
program.parseAsync(process.argv).catch((err) => {
  const e = describeError(err);
  process.stderr.write(`ainkad: ${e.message} [${e.code}]
`);
  process.exit(e.code === "ERR_AINKA_DAEMON_CONFIG_INVALID" || e.code === "ERR_AINKA_DAEMON_CONFIG_UNREADABLE" ? EXIT.config : e.code === "ERR_AINKA_DAEMON_SOCKET_IN_USE" ? EXIT.unavailable : EXIT.software);
});
//# sourceMappingURL=main.js.map